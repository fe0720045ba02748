using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Operator.Tests.Infrastructure;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary>A Kubernetes API test server with the SlmDeployment CRD registered, a real client, and the reconciler.</summary>
internal sealed class ReconcilerHarness : IAsyncDisposable
{
    public const string Namespace = "ml";

    public static readonly ResourceType SlmDeploymentType = new(
        SlmDeploymentResource.Group, SlmDeploymentResource.Version, SlmDeploymentResource.Plural, V1Alpha1SlmDeployment.KindName,
        HasStatus: true, Scale: new ScaleSubresource(LabelSelectorPath: ".status.selector"));

    private ReconcilerHarness(KubeApiTestServer server)
    {
        Server = server;
        Client = server.CreateClient();
        Reconciler = NewReconciler();
    }

    public KubeApiTestServer Server { get; }

    public Kubernetes Client { get; }

    public SlmDeploymentReconciler Reconciler { get; private set; }

    public static async Task<ReconcilerHarness> StartAsync()
    {
        var server = await KubeApiTestServer.StartAsync();
        server.RegisterResource(SlmDeploymentType);
        return new ReconcilerHarness(server);
    }

    /// <summary>A fresh reconciler instance over the same server: what an operator restart looks like.</summary>
    public void Restart() => Reconciler = NewReconciler();

    public async Task<V1Alpha1SlmDeployment> CreateAsync(V1Alpha1SlmDeployment resource)
    {
        resource.Metadata.NamespaceProperty = Namespace;
        resource.Metadata.Uid = null;
        resource.Metadata.Generation = null;
        return await Client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, Namespace, SlmDeploymentResource.Plural);
    }

    public Task<V1Alpha1SlmDeployment> ReplaceAsync(V1Alpha1SlmDeployment resource) =>
        Client.CustomObjects.ReplaceNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, Namespace, SlmDeploymentResource.Plural, resource.Metadata.Name);

    public V1Alpha1SlmDeployment? Get(string name) => Server.Get<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Plural, Namespace, name);

    public V1Deployment? Deployment(string name) => Server.Get<V1Deployment>("apps", "deployments", Namespace, name + "-worker");

    public V1Service? Service(string name) => Server.Get<V1Service>("", "services", Namespace, name + "-worker");

    public V1PodDisruptionBudget? Budget(string name) => Server.Get<V1PodDisruptionBudget>("policy", "poddisruptionbudgets", Namespace, name + "-worker");

    public IReadOnlyList<Corev1Event> Events(string name) =>
        [.. Server.List<Corev1Event>("", "events", Namespace).Where(e => e.InvolvedObject.Name == name)];

    /// <summary>Reconciles until the reconciler stops asking for a retry (bounded, so a livelock fails the test).</summary>
    public async Task<int> ReconcileUntilDoneAsync(string name, int maxAttempts = 10)
    {
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var outcome = await Reconciler.ReconcileAsync(Namespace, name, CancellationToken.None);
            if (!outcome.Requeue)
            {
                return attempt;
            }
        }

        throw new InvalidOperationException($"{name} still asked for a retry after {maxAttempts} reconciles");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A reconciler over the same server that reads through <paramref name="reader"/>.</summary>
    public SlmDeploymentReconciler ReconcilerWith(IOwnedStateReader reader) => new(
        Client,
        reader,
        new CreateOrReplaceWriter(Client),
        new SlmDeploymentPlanner(AcceleratorCatalog.Default, new SlmDeploymentOptions()),
        TimeProvider.System,
        NullLogger<SlmDeploymentReconciler>.Instance,
        new SlmDeploymentMetrics(Prometheus.Metrics.NewCustomRegistry()));

    private SlmDeploymentReconciler NewReconciler() => ReconcilerWith(new ApiOwnedStateReader(Client));
}
