using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;

namespace SlmFleet.Operator.Tests.Crds;

/// <summary>
/// Just enough of an API server on loopback for <c>kubectl create --dry-run=client</c> to run with
/// schema validation: version, legacy discovery for apiextensions.k8s.io/v1 and the OpenAPI v3
/// document of CustomResourceDefinition (built by <see cref="ModelOpenApi"/>). It stores nothing.
/// </summary>
internal sealed class KubectlStandInServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly Dictionary<string, string> _routes;

    public KubectlStandInServer()
    {
        Port = FreePort();
        Url = $"http://127.0.0.1:{Port}";
        var openApi = ModelOpenApi.Document(typeof(V1CustomResourceDefinition), "apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions").ToJsonString();
        _routes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/version"] = """{"major":"1","minor":"32","gitVersion":"v1.32.0","platform":"linux/amd64"}""",
            ["/api"] = """{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}""",
            ["/api/v1"] = """{"kind":"APIResourceList","groupVersion":"v1","resources":[]}""",
            ["/apis"] = """{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apiextensions.k8s.io","versions":[{"groupVersion":"apiextensions.k8s.io/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apiextensions.k8s.io/v1","version":"v1"}}]}""",
            ["/apis/apiextensions.k8s.io/v1"] = """{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apiextensions.k8s.io/v1","resources":[{"name":"customresourcedefinitions","singularName":"customresourcedefinition","namespaced":false,"kind":"CustomResourceDefinition","verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["crd","crds"]}]}""",
            ["/openapi/v3"] = new JsonObject
            {
                ["paths"] = new JsonObject
                {
                    ["apis/apiextensions.k8s.io/v1"] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/apis/apiextensions.k8s.io/v1?hash=standin" },
                },
            }.ToJsonString(),
            ["/openapi/v3/apis/apiextensions.k8s.io/v1"] = openApi,
        };
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url { get; }

    /// <summary>Paths kubectl asked for, to explain a failure.</summary>
    public List<string> Requests { get; } = [];

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with an exception when the listener closes.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath.TrimEnd('/');
            lock (Requests)
            {
                Requests.Add(path);
            }

            var found = _routes.TryGetValue(path, out var body);
            context.Response.StatusCode = found ? 200 : 404;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(found ? body! : """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}""");
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
