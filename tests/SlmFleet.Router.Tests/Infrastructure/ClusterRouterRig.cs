using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>
/// A router in cluster mode watching the Kubernetes API test server (fleet CRDs registered), with the local
/// OpenAI-compatible stand-in as the LLM: what the cluster-mode integration tests start in SetUp.
/// </summary>
internal sealed class ClusterRouterRig : IAsyncDisposable
{
    private ClusterRouterRig(KubeApiTestServer server, k8s.Kubernetes client, OpenAiTestServer llm, TestRouter router)
    {
        Server = server;
        Client = client;
        Llm = llm;
        Router = router;
    }

    public KubeApiTestServer Server { get; }

    public k8s.Kubernetes Client { get; }

    public OpenAiTestServer Llm { get; }

    public TestRouter Router { get; }

    public static async Task<ClusterRouterRig> StartAsync(string ns, TimeProvider time)
    {
        var server = await KubeApiTestServer.StartAsync();
        FleetResourceTypes.RegisterOn(server);
        var client = server.CreateClient();
        var llm = await OpenAiTestServer.StartAsync();
        var router = await TestRouter.StartInClusterAsync(client, ns, time);
        return new ClusterRouterRig(server, client, llm, router);
    }

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await Llm.DisposeAsync();
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
