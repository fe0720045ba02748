using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Text;
using k8s;
using OpenAI;
using OpenAI.Chat;
using Microsoft.Extensions.Hosting;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Kubernetes;
using SlmFleet.Router.Observability;

namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>A real router (Kestrel on 127.0.0.1, a free port) with a policies file written from YAML.</summary>
public sealed class TestRouter : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private TestRouter(WebApplication app, string directory)
    {
        _app = app;
        _directory = directory;
        BaseUrl = RouterHost.BoundAddress(app);
        MetricsUrl = RouterHost.MetricsAddress(app);
        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(120) };
    }

    /// <summary>The metrics listener (its own port, as in production).</summary>
    public Uri MetricsUrl { get; }

    public Uri BaseUrl { get; }

    public Uri V1 => new(BaseUrl, "/v1");

    public HttpClient Http { get; }

    internal RouterMetrics Metrics => _app.Services.GetRequiredService<RouterMetrics>();

    internal IServiceProvider Services => _app.Services;

    /// <summary>Starts a router; <paramref name="configure"/> may change options (auth, limits) and sees the temp folder.</summary>
    internal static async Task<TestRouter> StartAsync(string policiesYaml, Action<RouterOptions, string>? configure = null, ILoggerProvider? logs = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "slm-router-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var policies = Path.Combine(directory, "policies.yaml");
        await File.WriteAllTextAsync(policies, policiesYaml);
        var options = new RouterOptions { Listen = "http://127.0.0.1:0", MetricsListen = "http://127.0.0.1:0", Policies = policies, SecretsDir = Path.Combine(directory, "secrets"), LogLevel = "Warning" };
        configure?.Invoke(options, directory);
        var app = RouterHost.Build(options, logs is null ? null : services => services.AddSingleton(logs));
        await app.StartAsync();
        return new TestRouter(app, directory);
    }

    /// <summary>
    /// Starts a router in cluster mode (no policies file) whose watcher reads namespace <paramref name="ns"/>
    /// of a test API server through <paramref name="kube"/>, on <paramref name="time"/>'s wall clock.
    /// </summary>
    internal static async Task<TestRouter> StartInClusterAsync(IKubernetes kube, string ns, TimeProvider time)
    {
        var directory = Path.Combine(Path.GetTempPath(), "slm-router-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var options = new RouterOptions { Listen = "http://127.0.0.1:0", MetricsListen = "http://127.0.0.1:0", Namespace = ns, SecretsDir = Path.Combine(directory, "secrets"), LogLevel = "Warning" };
        var app = RouterHost.Build(options, services =>
        {
            services.AddSingleton(time);
            services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ClusterWatcher)));
            services.AddSingleton<ClusterWatcher>();
            services.AddHostedService(sp => new TestApiServerWatch(sp.GetRequiredService<ClusterWatcher>(), kube, ns));
        });
        await app.StartAsync();
        return new TestRouter(app, directory);
    }

    /// <summary>Mounts the LLM key Secret <c>llm-key</c> (key <c>api-key</c>) the test policies name, as the chart does.</summary>
    public static void WriteLlmKey(string directory, string key = "sk-test-llm-secret")
    {
        Directory.CreateDirectory(Path.Combine(directory, "secrets", "llm-key"));
        File.WriteAllText(Path.Combine(directory, "secrets", "llm-key", "api-key"), key + "\n");
    }

    /// <summary>A <see cref="StartAsync"/> configuration that only mounts the test LLM key.</summary>
    internal static Action<RouterOptions, string> WithLlmKey { get; } = (_, directory) => WriteLlmKey(directory);

    /// <summary>The official OpenAI SDK's chat client against this router (no retries: a test sees every answer).</summary>
    public ChatClient ChatClient(string model) => new(model, new ApiKeyCredential("unused"), new OpenAIClientOptions
    {
        Endpoint = V1,
        RetryPolicy = new ClientRetryPolicy(0),
        NetworkTimeout = TimeSpan.FromSeconds(120),
    });

    /// <summary>A response header's values joined with commas; empty when absent (the x-slmfleet-* routing headers).</summary>
    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : string.Empty;

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, Action<HttpRequestHeaders>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        headers?.Invoke(request.Headers);
        return Http.SendAsync(request);
    }

    /// <summary>Whether <c>/v1/models</c> lists <paramref name="model"/> (in cluster mode: the router has seen the policy or deployment).</summary>
    internal async Task<bool> ServesAsync(string model)
    {
        using var models = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync("/v1/models"));
        return models.RootElement.GetProperty("data").EnumerateArray().Any(m => m.GetProperty("id").GetString() == model);
    }

    /// <summary>Sum of a metric's samples whose labels contain every given pair (e.g. "reason", "rule").</summary>
    internal async Task<double> MetricAsync(string name, params (string Label, string Value)[] labels)
    {
        using var stream = new MemoryStream();
        await Metrics.Registry.CollectAndExportAsTextAsync(stream);
        var text = Encoding.UTF8.GetString(stream.ToArray());
        double total = 0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal) && !line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                continue;
            }

            if (labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
