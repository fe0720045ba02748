// Kubernetes API test server: an in-process stand-in for kube-apiserver, used through the real
// KubernetesClient over HTTP on 127.0.0.1, for fast unit tests of reconcile logic. API semantics —
// server-side apply and managedFields, conflicts, watches and label selectors, owner references,
// subresources, validation, quotas and admission — are tested on the real kube-apiserver
// (SlmFleet.Testing.ControlPlane, from KUBEBUILDER_ASSETS); a behaviour learned there is never
// re-implemented here to make a test pass.
//
// What it does like the real API server:
//   - core (/api/v1) and group (/apis/{group}/{version}) paths, namespaced and cluster-scoped, for
//     every kind in ResourceRegistry (built-ins + whatever a test registers, e.g. CRDs);
//   - uid, a global monotonically increasing resourceVersion, creationTimestamp, generateName;
//   - metadata.generation bumped when anything outside metadata (and outside status for kinds with a
//     status subresource) changes, and when deletionTimestamp is set; no-op writes keep the
//     resourceVersion and send no watch event;
//   - 409 AlreadyExists on create, 409 Conflict on a stale resourceVersion (PUT, or a PATCH that
//     carries metadata.resourceVersion), 404 NotFound, 422 Invalid names, all as v1 Status bodies;
//   - status subresource: the main resource ignores status (also on create), /status changes only
//     status; scale subresource (autoscaling/v1 Scale) mapped onto spec/status replicas and selector;
//   - finalizers: DELETE sets deletionTimestamp and keeps the object until the list is emptied;
//   - garbage collection (background propagation) of objects whose owners (by uid) are all gone,
//     including an object created after its owners were deleted (ADDED, then DELETED at once);
//   - list with labelSelector (equality and set-based) and fieldSelector, returning the list
//     resourceVersion; watch from a resourceVersion with a bounded history (older → ERROR 410
//     Expired), bookmarks when asked for, timeoutSeconds;
//   - patches: merge patch and JSON patch; Events (core/v1 and events.k8s.io/v1) are stored.
//
// Known differences (limits):
//   - strategic merge patch is applied as a JSON merge patch: lists are replaced whole rather than
//     merged by key, $patch/$retainKeys directives are not understood;
//   - server-side apply (application/apply-patch+yaml) answers 415 Unsupported Media Type, and no
//     managedFields are recorded: tests of the SlmDeployment reconciler here write through a
//     create-or-replace stand-in (SlmFleet.Operator.Tests/Infrastructure/CreateOrReplaceWriter);
//   - no admission, no schema validation or defaulting (a CRD's OpenAPI schema is not enforced),
//     no RBAC, no authentication; any namespace is accepted without creating it, and deleting a
//     Namespace does not delete its contents;
//   - garbage collection runs synchronously inside the DELETE; foreground deletion and blockOwnerDeletion
//     are not modelled; propagationPolicy=Orphan skips collection but does not strip ownerReferences;
//     owners are matched by uid only (the real collector also checks kind and name);
//   - no controllers: Deployments never get pods, nothing fills status unless a test writes it;
//   - watches filter each event by the object's labels at that moment (no synthetic DELETED when an
//     object stops matching a selector); list ignores limit/continue and resourceVersionMatch and
//     always returns the latest state; discovery (/api, /apis, /openapi) is not served;
//   - fieldSelector accepts any dotted path, not only the fields each kind indexes;
//   - a PUT without metadata.resourceVersion is an unconditional update for every kind (a real
//     server demands it for custom resources);
//   - timestamps have second precision; the clock is KubeApiTestServerOptions.TimeProvider.
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// An in-process Kubernetes API server for tests (see the notes at the top of this file for what it
/// models and what it does not). Start it with <see cref="StartAsync"/>, talk to it with
/// <see cref="CreateClient"/>, inject faults through <see cref="Faults"/>, and read request counts
/// from <see cref="Requests"/>.
/// </summary>
public sealed class KubeApiTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private readonly KubeApiTestServerOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly WatchResponder _watches;

    private KubeApiTestServer(WebApplication app, KubeApiTestServerOptions options)
    {
        _app = app;
        _options = options;
        _store = new ObjectStore(options.TimeProvider, options.Seed, options.WatchHistoryLimit);
        Faults = new FaultInjector(options.Seed);
        _watches = new WatchResponder(_store, Faults, options, _stopping.Token);
    }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The kinds served; register custom resources here.</summary>
    public ResourceRegistry Resources { get; } = new();

    /// <summary>Faults to inject into requests.</summary>
    public FaultInjector Faults { get; }

    /// <summary>Requests received, per verb and resource.</summary>
    public RequestCounter Requests { get; } = new();

    /// <summary>The latest resourceVersion handed out.</summary>
    public long ResourceVersion => _store.CurrentVersion;

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<KubeApiTestServer> StartAsync(KubeApiTestServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubeApiTestServerOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new KubeApiTestServer(app, options);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel did not report its address");
        server.Url = addresses.Addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        return server;
    }

    /// <summary>A real KubernetesClient pointed at this server. The caller disposes it.</summary>
    public k8s.Kubernetes CreateClient() => new(CreateClientConfiguration());

    /// <summary>The client configuration for this server, for code that builds its own client.</summary>
    public KubernetesClientConfiguration CreateClientConfiguration() => new() { Host = Url };

    /// <summary>Shortcut for <c>Resources.Register</c>.</summary>
    public void RegisterResource(ResourceType type) => Resources.Register(type);

    /// <summary>
    /// Reads stored objects directly (not counted, no faults), e.g. Events:
    /// <c>List&lt;Corev1Event&gt;("", "events", "default")</c>.
    /// </summary>
    public IReadOnlyList<T> List<T>(string group, string plural, string? ns = null, string? labelSelector = null)
    {
        var type = FindType(group, plural);
        var (items, _) = _store.List(type, type.Namespaced ? ns : null, LabelSelector.Parse(labelSelector), FieldSelector.Everything);
        return items.Select(i => KubernetesJson.Deserialize<T>(i.ToJsonString())).ToList();
    }

    /// <summary>Reads one stored object directly; null when it does not exist.</summary>
    public T? Get<T>(string group, string plural, string? ns, string name)
        where T : class
    {
        var type = FindType(group, plural);
        try
        {
            return KubernetesJson.Deserialize<T>(_store.Get(type, type.Namespaced ? ns : null, name).ToJsonString());
        }
        catch (KubeApiException e) when (e.Code == 404)
        {
            return null;
        }
    }

    /// <summary>Stops the server and ends open watches.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private ResourceType FindType(string group, string plural) =>
        Resources.All.FirstOrDefault(t => t.Group == group && t.Plural == plural)
        ?? throw new ArgumentException($"no kind registered for group '{group}' plural '{plural}'", nameof(plural));

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            var route = ApiRoute.Parse(context.Request.Path.Value ?? "/", Resources);
            var verb = VerbOf(context.Request, route);
            Requests.Record(verb, route.ResourceLabel);
            if (Faults.Delay > TimeSpan.Zero)
            {
                await Task.Delay(Faults.Delay, context.RequestAborted).ConfigureAwait(false);
            }

            if (Faults.NextError(verb) is { } code)
            {
                await WriteInjectedErrorAsync(context, code).ConfigureAwait(false);
                return;
            }

            if (Faults.TakeConflict(verb))
            {
                throw KubeApiException.Conflict(route.Type, route.Name ?? "");
            }

            await DispatchAsync(context, route, verb).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            await WriteJsonAsync(context, e.Code, e.ToStatus()).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteJsonAsync(context, 400, KubeApiException.BadRequest($"request body is not valid JSON: {e.Message}").ToStatus()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            await WriteJsonAsync(context, 400, KubeApiException.BadRequest($"request body has an unexpected shape: {e.Message}").ToStatus()).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // Client went away or the server is stopping: nothing to answer.
        }
    }

    private static ApiVerb VerbOf(HttpRequest request, ApiRoute route) => request.Method switch
    {
        "GET" when route.Name is not null => ApiVerb.Get,
        "GET" when IsTrue(request.Query["watch"]) => ApiVerb.Watch,
        "GET" => ApiVerb.List,
        "POST" when route.Name is null => ApiVerb.Create,
        "PUT" when route.Name is not null => ApiVerb.Update,
        "PATCH" when route.Name is not null => ApiVerb.Patch,
        "DELETE" when route.Name is not null => ApiVerb.Delete,
        "DELETE" => ApiVerb.DeleteCollection,
        _ => throw new KubeApiException(405, "MethodNotAllowed", $"{request.Method} is not supported on {request.Path}"),
    };

    private async Task DispatchAsync(HttpContext context, ApiRoute route, ApiVerb verb)
    {
        var request = context.Request;
        var type = route.Type;
        var ns = route.Namespace;
        var name = route.Name!;
        switch (verb)
        {
            case ApiVerb.Get:
                await WriteJsonAsync(context, 200, route.Subresource == "scale" ? _store.GetScale(type, ns, name) : _store.Get(type, ns, name)).ConfigureAwait(false);
                break;
            case ApiVerb.List:
                await WriteJsonAsync(context, 200, ListBody(route, request)).ConfigureAwait(false);
                break;
            case ApiVerb.Watch:
                await _watches.RespondAsync(context, route).ConfigureAwait(false);
                break;
            case ApiVerb.Create:
                await WriteJsonAsync(context, 201, _store.Create(type, ns, await RequestBodies.ReadObjectAsync(request).ConfigureAwait(false))).ConfigureAwait(false);
                break;
            case ApiVerb.Update:
                var body = await RequestBodies.ReadObjectAsync(request).ConfigureAwait(false);
                var updated = route.Subresource == "scale"
                    ? _store.ReplaceScale(type, ns, name, body)
                    : _store.Replace(type, ns, name, body, route.Subresource == "status");
                await WriteJsonAsync(context, 200, updated).ConfigureAwait(false);
                break;
            case ApiVerb.Patch:
                var patch = await RequestBodies.ReadPatchAsync(request).ConfigureAwait(false);
                var patched = route.Subresource == "scale"
                    ? _store.PatchScale(type, ns, name, patch)
                    : _store.Patch(type, ns, name, patch, route.Subresource == "status");
                await WriteJsonAsync(context, 200, patched).ConfigureAwait(false);
                break;
            case ApiVerb.Delete:
                var orphan = await RequestBodies.IsOrphanAsync(request).ConfigureAwait(false);
                await WriteJsonAsync(context, 200, _store.Delete(type, ns, name, orphan)).ConfigureAwait(false);
                break;
            case ApiVerb.DeleteCollection:
                _store.DeleteCollection(type, ns, LabelSelector.Parse(request.Query["labelSelector"]), FieldSelector.Parse(request.Query["fieldSelector"]));
                await WriteJsonAsync(context, 200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success" }).ConfigureAwait(false);
                break;
            default:
                throw new KubeApiException(405, "MethodNotAllowed", $"{verb} is not supported");
        }
    }

    private JsonObject ListBody(ApiRoute route, HttpRequest request)
    {
        var (items, version) = _store.List(route.Type, route.Namespace, LabelSelector.Parse(request.Query["labelSelector"]), FieldSelector.Parse(request.Query["fieldSelector"]));
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item);
        }

        return new JsonObject
        {
            ["apiVersion"] = route.Type.ApiVersion,
            ["kind"] = route.Type.Kind + "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = array,
        };
    }

    private async Task WriteInjectedErrorAsync(HttpContext context, int code)
    {
        if (code == 429)
        {
            context.Response.Headers.RetryAfter = Faults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteJsonAsync(context, 429, StatusObjects.Failure(429, "TooManyRequests", "injected fault: too many requests, please try again later", null, null)).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, code, StatusObjects.Failure(code, "InternalError", $"injected fault: internal error ({code})", null, null)).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, int code, JsonObject body)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
    }

    internal static bool IsTrue(string? value) => value is "true" or "1";
}
