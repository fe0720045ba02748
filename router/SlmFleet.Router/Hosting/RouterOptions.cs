namespace SlmFleet.Router.Hosting;

/// <summary>
/// Router settings. From the command line (<c>--policies FILE</c>), environment
/// (<c>SLMROUTER_POLICIES</c>) or appsettings, through ASP.NET Core configuration.
/// </summary>
internal sealed class RouterOptions
{
    /// <summary>Address to listen on, e.g. <c>http://127.0.0.1:8080</c>; port 0 picks a free port.</summary>
    public string Listen { get; set; } = "http://0.0.0.0:8080";

    /// <summary>
    /// Address of the metrics listener (plain HTTP): <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> only.
    /// Empty, or equal to <see cref="Listen"/>, serves <c>/metrics</c> on the API port instead (local runs).
    /// </summary>
    public string? MetricsListen { get; set; } = "http://0.0.0.0:9090";

    /// <summary>A local policies file (YAML/JSON, see LocalRouterConfig). When empty, policies and endpoints are watched in the cluster.</summary>
    public string? Policies { get; set; }

    /// <summary>Namespace to watch in cluster mode; empty = all namespaces the router may read.</summary>
    public string? Namespace { get; set; }

    /// <summary>Where LLM API key Secrets are mounted: <c>{dir}/{secret}/{key}</c>.</summary>
    public string SecretsDir { get; set; } = "/var/run/secrets/slmfleet";

    /// <summary>File of client API keys (one per line). When set, requests need <c>Authorization: Bearer KEY</c>.</summary>
    public string? ClientKeysFile { get; set; }

    /// <summary>Request bodies larger than this are refused with 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Requests per second per client (key, or address without auth); 0 = unlimited.</summary>
    public double RateLimitPerSecond { get; set; }

    /// <summary>Burst size of the per-client token bucket.</summary>
    public int RateLimitBurst { get; set; } = 50;

    /// <summary>Requests the router works on at once; more wait in a bounded queue, and beyond that get 429.</summary>
    public int MaxConcurrentRequests { get; set; } = 4096;

    /// <summary>
    /// PEM file with the server certificate, optionally followed by its intermediates (a kubernetes.io/tls
    /// Secret's <c>tls.crt</c>). With <see cref="TlsPrivateKey"/> the router serves HTTPS only.
    /// </summary>
    public string? TlsCertificate { get; set; }

    /// <summary>PEM file with the certificate's unencrypted private key, RSA or ECDSA (<c>tls.key</c>).</summary>
    public string? TlsPrivateKey { get; set; }

    /// <summary>How often (at most) the certificate files are checked for a newer version; rotation needs no restart.</summary>
    public int TlsReloadSeconds { get; set; } = 30;

    /// <summary>Request headers larger than this (name + value + 4 bytes per header line) get 431 with an OpenAI error body.</summary>
    public int MaxRequestHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>Requests with more header lines than this get 431 with an OpenAI error body.</summary>
    public int MaxRequestHeaders { get; set; } = 100;

    /// <summary>
    /// Where policies with <c>spec.distillation.enabled</c> write their distillation sets (a mounted
    /// volume); without it their records are counted as dropped (<c>no_directory</c>).
    /// </summary>
    public string? DistillationDir { get; set; }

    /// <summary>Logging: the minimum level for the router's own categories.</summary>
    public string LogLevel { get; set; } = "Information";
}
