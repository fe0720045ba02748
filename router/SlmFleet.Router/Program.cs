using SlmFleet.Router.Hosting;

// slm-router: the OpenAI-compatible front door. Settings come from the command line
// (--policies FILE, --listen URL, --client-keys-file FILE, ...), SLMROUTER_* environment variables,
// or appsettings; see README.md, "Router".
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables("SLMROUTER_")
    .AddCommandLine(args, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--policies"] = "Policies",
        ["--listen"] = "Listen",
        ["--metrics-listen"] = "MetricsListen",
        ["--namespace"] = "Namespace",
        ["--secrets-dir"] = "SecretsDir",
        ["--client-keys-file"] = "ClientKeysFile",
        ["--max-request-body-bytes"] = "MaxRequestBodyBytes",
        ["--rate-limit-per-second"] = "RateLimitPerSecond",
        ["--rate-limit-burst"] = "RateLimitBurst",
        ["--max-concurrent-requests"] = "MaxConcurrentRequests",
        ["--log-level"] = "LogLevel",
        ["--tls-certificate"] = "TlsCertificate",
        ["--tls-private-key"] = "TlsPrivateKey",
        ["--tls-reload-seconds"] = "TlsReloadSeconds",
        ["--max-request-header-bytes"] = "MaxRequestHeaderBytes",
        ["--max-request-headers"] = "MaxRequestHeaders",
        ["--distillation-dir"] = "DistillationDir",
    })
    .Build();
var options = new RouterOptions();
try
{
    configuration.Bind(options);
    var app = RouterHost.Build(options);
    await app.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException or InvalidOperationException or FormatException)
{
    Console.Error.WriteLine($"slm-router: {ex.Message}");
    return 2;
}
