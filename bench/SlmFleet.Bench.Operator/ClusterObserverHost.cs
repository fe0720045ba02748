using System.Globalization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Bench.Operator;

/// <summary>
/// The child process that judges the real control plane for <see cref="ControlPlaneBenchmark"/>: it
/// watches the benchmark namespace's SlmDeployments, Deployments, Services and PodDisruptionBudgets
/// with its own client, so judging costs the API server a watch (not a list of thousands of objects
/// every poll) and costs the operator's process no memory. Arguments: <c>KUBECONFIG NAMESPACE</c>.
/// Answers one line per command on stdin: <c>synced</c>, <c>converged N</c>, <c>settled N</c>,
/// <c>quit</c>.
/// </summary>
internal static class ClusterObserverHost
{
    public const string Flag = "--observe-cluster";

    public static async Task RunAsync(string kubeconfig, string ns, TextReader input, TextWriter output)
    {
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var metrics = new RuntimeMetrics(Metrics.NewCustomRegistry());
        // No resync: the observer only reads its caches.
        var options = new InformerOptions { ResyncPeriod = TimeSpan.Zero };
        Informer<TObject> Watch<TObject>()
            where TObject : class, IKubernetesObject<V1ObjectMeta>, new() =>
            new(client, ResourceDescriptor.For<TObject>(ns), options, TimeProvider.System, NullLogger.Instance, metrics);
        var resources = Watch<V1Alpha1SlmDeployment>();
        var deployments = Watch<V1Deployment>();
        var services = Watch<V1Service>();
        var budgets = Watch<V1PodDisruptionBudget>();
        IInformer[] informers = [resources, deployments, services, budgets];
        using var stop = new CancellationTokenSource();
        var running = informers.Select(i => Task.Run(() => i.RunAsync(stop.Token))).ToList();

        while (await input.ReadLineAsync() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string? answer;
            switch (words.FirstOrDefault())
            {
                case "synced":
                    await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(CancellationToken.None)));
                    answer = "true";
                    break;
                case "converged":
                    answer = Converged(resources, deployments, services, budgets, Count(words)) ? "true" : "false";
                    break;
                case "settled":
                    answer = Converged(resources, deployments, services, budgets, Count(words)) && Settled(resources, deployments) ? "true" : "false";
                    break;
                case "quit":
                    answer = null;
                    break;
                default:
                    answer = "error: unknown command " + line;
                    break;
            }

            if (answer is null)
            {
                break;
            }

            await output.WriteLineAsync(answer);
            await output.FlushAsync();
        }

        await stop.CancelAsync();
        await Task.WhenAll(running);
    }

    private static int Count(string[] words) => int.Parse(words[1], CultureInfo.InvariantCulture);

    /// <summary>
    /// The in-process benchmark's definition (<see cref="ApiServerHost"/>): every SlmDeployment has
    /// observed its generation, and there are as many worker Deployments, Services and PDBs as SlmDeployments.
    /// </summary>
    private static bool Converged(
        Informer<V1Alpha1SlmDeployment> resources, Informer<V1Deployment> deployments, Informer<V1Service> services, Informer<V1PodDisruptionBudget> budgets, int objects) =>
        resources.Count == objects
        && resources.List().All(r => r.Status?.ObservedGeneration == r.Metadata.Generation)
        && deployments.Count == objects
        && services.Count == objects
        && budgets.Count == objects;

    /// <summary>
    /// The whole fleet is up and the operator has caught up with it: every worker Deployment's
    /// controller has observed it and all its replicas are ready, and every SlmDeployment's status
    /// reports its Deployment's replica counts. From here nothing should change unless someone acts.
    /// </summary>
    private static bool Settled(Informer<V1Alpha1SlmDeployment> resources, Informer<V1Deployment> deployments) =>
        resources.List().All(r =>
        {
            var deployment = deployments.Get(new ObjectKey(r.Metadata.NamespaceProperty, WorkerLabels.WorkloadName(r.Metadata.Name)));
            var status = deployment?.Status;
            return status is not null
                && status.ObservedGeneration == deployment!.Metadata.Generation
                && (status.ReadyReplicas ?? 0) == deployment.Spec.Replicas
                && (status.Replicas ?? 0) == deployment.Spec.Replicas
                && r.Status?.ReadyReplicas == (status.ReadyReplicas ?? 0)
                && r.Status?.Replicas == (status.Replicas ?? 0);
        });
}
