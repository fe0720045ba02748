using System.Net.Http.Headers;
using System.Text;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Observability;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing.Logging;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Reliability;

/// <summary>
/// A real router for the reliability suites: client API keys on, the LLM key in a mounted-Secret file,
/// a small body limit, every log entry recorded, the OpenAI stand-in as the LLM. Alias
/// <see cref="Alias"/> has no SLM replicas, so valid requests escalate (reason unavailable) and succeed.
/// </summary>
internal sealed class ReliableRouter : IAsyncDisposable
{
    public const string Alias = "reliable";
    public const long MaxBody = 64 * 1024;

    private readonly WebApplication _app;
    private readonly string _directory;

    private ReliableRouter(WebApplication app, string directory, OpenAiTestServer llm, RecordingLoggerProvider logs)
    {
        _app = app;
        _directory = directory;
        Llm = llm;
        Logs = logs;
        BaseUrl = RouterHost.BoundAddress(app);
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    public OpenAiTestServer Llm { get; }

    public RecordingLoggerProvider Logs { get; }

    public static async Task<ReliableRouter> StartAsync(Uri? worker = null, int maxConcurrentRequests = 4096)
    {
        var llm = await OpenAiTestServer.StartAsync();
        var directory = Path.Combine(Path.GetTempPath(), "slm-reliability-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(directory, "secrets", "llm-key"));
        await File.WriteAllTextAsync(Path.Combine(directory, "secrets", "llm-key", "api-key"), BadRequestKeys.Llm + "\n");
        var keys = Path.Combine(directory, "client-keys");
        await File.WriteAllTextAsync(keys, "# client keys\nsk-other-client-key-000000000000\n" + BadRequestKeys.Valid + "\n");
        var policies = Path.Combine(directory, "policies.yaml");
        var yaml = PolicyYaml.Build(worker ?? new Uri("http://127.0.0.1:9"), null, PolicyYaml.Policy(Alias, "empty", llm.BaseUrl, 0.0), PolicyYaml.Policy("served", "tiny", llm.BaseUrl, 0.0));
        await File.WriteAllTextAsync(policies, yaml);
        var options = new RouterOptions
        {
            Listen = "http://127.0.0.1:0",
            MetricsListen = "http://127.0.0.1:0",
            Policies = policies,
            SecretsDir = Path.Combine(directory, "secrets"),
            ClientKeysFile = keys,
            MaxRequestBodyBytes = MaxBody,
            LogLevel = "Trace",
            MaxConcurrentRequests = maxConcurrentRequests,
        };
        var logs = new RecordingLoggerProvider();
        var app = RouterHost.Build(options, services => services.AddSingleton<ILoggerProvider>(logs));
        await app.StartAsync();
        return new ReliableRouter(app, directory, llm, logs);
    }

    public async Task<HttpResponseMessage> SendAsync(BadRequest request, CancellationToken cancellationToken = default)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, request.Path);
        HttpContent content = request.Chunked ? new StreamContent(new MemoryStream(request.Body)) : new ByteArrayContent(request.Body);
        if (request.ContentType is { } type)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        if (request.Chunked)
        {
            message.Headers.TransferEncodingChunked = true;
        }

        message.Content = content;
        if (!request.OmitKey)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BadRequestKeys.Valid);
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(message, cancellationToken);
    }

    public Task<HttpResponseMessage> ValidAsync(string model = Alias, string extra = "")
    {
        var json = $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hello"}],"max_tokens":8{{extra}}}""";
        var message = new HttpRequestMessage(HttpMethod.Post, BadRequestCorpus.Chat) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BadRequestKeys.Valid);
        return Http.SendAsync(message);
    }

    public async Task<string> MetricsTextAsync()
    {
        using var stream = new MemoryStream();
        await _app.Services.GetRequiredService<RouterMetrics>().Registry.CollectAndExportAsTextAsync(stream);
        var scraped = await Http.GetStringAsync(new Uri(RouterHost.MetricsAddress(_app), "/metrics"));
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n" + scraped;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Llm.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
