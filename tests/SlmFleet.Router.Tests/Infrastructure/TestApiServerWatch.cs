using k8s;
using Microsoft.Extensions.Hosting;
using SlmFleet.Router.Kubernetes;

namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>Runs the router's real <see cref="ClusterWatcher"/> against a test API server instead of a kubeconfig.</summary>
internal sealed class TestApiServerWatch(ClusterWatcher watcher, IKubernetes client, string ns) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => watcher.RunAsync(client, ns, stoppingToken);
}
