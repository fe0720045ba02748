using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing.Logging;

namespace SlmFleet.Router.Tests.Tls;

/// <summary>A real router serving HTTPS on 127.0.0.1 from a <see cref="SecretVolume"/>, with a hand-moved clock and recorded logs.</summary>
internal sealed class TlsRouter : IAsyncDisposable
{
    public const string EmptyPolicies = "deployments: []\npolicies: []\n";

    private readonly WebApplication _app;
    private readonly string _policies;

    private TlsRouter(WebApplication app, string policies, ManualClock clock, RecordingLoggerProvider logs)
    {
        _app = app;
        _policies = policies;
        Clock = clock;
        Logs = logs;
        BaseUrl = RouterHost.BoundAddress(app);
    }

    public Uri BaseUrl { get; }

    public ManualClock Clock { get; }

    public RecordingLoggerProvider Logs { get; }

    public static async Task<TlsRouter> StartAsync(SecretVolume volume)
    {
        var policies = Path.Combine(Path.GetTempPath(), "slm-tls-policies-" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        await File.WriteAllTextAsync(policies, EmptyPolicies);
        var clock = new ManualClock();
        var logs = new RecordingLoggerProvider();
        var options = new RouterOptions
        {
            Listen = "https://127.0.0.1:0",
            MetricsListen = "http://127.0.0.1:0",
            Policies = policies,
            SecretsDir = Path.Combine(volume.Directory, "no-secrets"),
            TlsCertificate = volume.PathOf("tls.crt"),
            TlsPrivateKey = volume.PathOf("tls.key"),
            LogLevel = "Information",
        };
        var app = RouterHost.Build(options, services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<ILoggerProvider>(logs);
        });
        await app.StartAsync();
        return new TlsRouter(app, policies, clock, logs);
    }

    /// <summary>
    /// One request on a fresh connection (so each call is a new TLS handshake). The client accepts the
    /// server only if it presents one of <paramref name="pinned"/>, and reports what it presented.
    /// </summary>
    public async Task<Presented> GetAsync(string path, IEnumerable<X509Certificate2> pinned, Version? version = null, params (string Name, string Value)[] headers)
    {
        var accepted = pinned.Select(c => c.Thumbprint).ToHashSet(StringComparer.OrdinalIgnoreCase);
        string? thumbprint = null;
        var chainLength = 0;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            thumbprint = certificate?.GetCertHashString();
            chainLength = chain?.ChainElements.Count ?? 0;
            return thumbprint is not null && accepted.Contains(thumbprint);
        };
        using var client = new HttpClient(handler) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Version = version ?? HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        return new Presented(response.StatusCode, response.Version, thumbprint!, chainLength, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends a plain-HTTP request to the TLS port and returns whatever comes back before the connection ends.</summary>
    public async Task<string> SendPlainHttpAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, BaseUrl.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"u8.ToArray());
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            // Reset or closed by the server: what arrived before is the answer.
        }

        return System.Text.Encoding.Latin1.GetString(received.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(_policies);
    }

    /// <summary>What one HTTPS request saw: status, protocol, the server certificate's thumbprint and chain length, the body.</summary>
    public sealed record Presented(HttpStatusCode Status, Version Version, string Thumbprint, int ChainLength, string Body);
}
