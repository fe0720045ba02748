using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Prometheus;
using SlmFleet.Router.Budget;
using SlmFleet.Router.Calibration;
using SlmFleet.Router.Distillation;
using SlmFleet.Router.Kubernetes;
using SlmFleet.Router.Llm;
using SlmFleet.Router.Observability;
using SlmFleet.Router.OpenAi;
using SlmFleet.Router.Policies;
using SlmFleet.Router.Routing;
using SlmFleet.Router.Schema;
using SlmFleet.Router.Security;
using SlmFleet.Router.Shadow;
using SlmFleet.Router.Slm;
using SlmFleet.Router.Tls;

namespace SlmFleet.Router.Hosting;

/// <summary>Builds the router's web application: used by <c>Program</c>, the tests and the benchmark.</summary>
internal static class RouterHost
{
    /// <exception cref="InvalidDataException">The policies file, or a TLS certificate or key file, is invalid.</exception>
    /// <exception cref="FileNotFoundException">A configured file does not exist.</exception>
    /// <exception cref="InvalidOperationException">Options contradict each other or are out of range.</exception>
    public static WebApplication Build(RouterOptions options, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var https = HttpsListener.Validate(options);
        var headerLimits = RequestHeaderLimits.From(options);
        var metricsApart = MetricsListener.Apart(options);
        var builder = WebApplication.CreateSlimBuilder();
        if (!https && !metricsApart)
        {
            builder.WebHost.UseUrls(options.Listen);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The router enforces the body limit itself so that the 413 carries an OpenAI error body.
            kestrel.Limits.MaxRequestBodySize = null;
            // Likewise the header limits (431 with a body); Kestrel's stay as a last resort well above them.
            // HTTP/2 (served over TLS) caps a single header field separately: it must not be the one that answers.
            kestrel.Limits.MaxRequestHeadersTotalSize = headerLimits.HardMaxBytes;
            kestrel.Limits.MaxRequestHeaderCount = headerLimits.HardMaxHeaders;
            kestrel.Limits.Http2.MaxRequestHeaderFieldSize = headerLimits.HardMaxBytes;
            if (https)
            {
                HttpsListener.Listen(kestrel, options.Listen, kestrel.ApplicationServices.GetRequiredService<ReloadingCertificate>());
            }
            else if (metricsApart)
            {
                ListenBinder.Bind(kestrel, options.Listen, "--listen", static _ => { });
            }

            // Bound after the API addresses: BoundAddress and MetricsAddress rely on that order.
            if (metricsApart)
            {
                MetricsListener.Listen(kestrel, options);
            }
        });
        builder.Logging.SetMinimumLevel(Enum.TryParse<LogLevel>(options.LogLevel, true, out var level) ? level : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Random.Shared);
        services.AddSingleton<RouterMetrics>();
        services.AddSingleton<PolicyStore>();
        services.AddSingleton<SlmEndpointRegistry>();
        services.AddSingleton<SlmClient>();
        services.AddSingleton(sp => new LlmKeyProvider(options.SecretsDir, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LlmClient>();
        services.AddSingleton<LlmForwarder>();
        services.AddSingleton<BudgetTracker>();
        services.AddSingleton<ShadowSampler>();
        services.AddSingleton<ThresholdCalibrator>();
        services.AddSingleton<DistillationWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DistillationWriter>());
        services.AddSingleton<ShadowRunner>();
        services.AddSingleton<IResponseSchemaValidator, ResponseSchemaValidator>();
        services.AddSingleton(sp => new ClientKeyAuthenticator(options.ClientKeysFile, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => new ClientRateLimiter(options.RateLimitPerSecond, options.RateLimitBurst));
        services.AddSingleton<DemandRecorder>();
        services.AddSingleton<ColdStartGate>();
        services.AddSingleton<RequestRouter>();
        services.AddSingleton<ClientAdmission>();
        services.AddSingleton<ModelsEndpoint>();
        services.AddSingleton<EmbeddingsRouter>();
        services.AddSingleton(headerLimits);
        services.AddSingleton<ReadinessGate>();
        services.AddHostedService<RouterWarmUp>();
        if (https)
        {
            services.AddSingleton(sp => new ReloadingCertificate(
                options.TlsCertificate!,
                options.TlsPrivateKey!,
                TimeSpan.FromSeconds(options.TlsReloadSeconds),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<ReloadingCertificate>()));
        }

        // No per-request HttpClient logging handlers: the router logs LLM failures itself, and the
        // logging scope they open per request is measurable on the hot path.
        services.AddHttpClient(LlmClient.HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = 1024,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
            })
            .AddResilienceHandler("llm", ConfigureResilience);
        if (string.IsNullOrEmpty(options.Policies))
        {
            services.AddHostedService<ClusterWatcher>();
        }

        configureServices?.Invoke(services);
        var app = builder.Build();
        if (https)
        {
            // Load (and so validate) the certificate now: a bad file fails start-up, not the first handshake.
            _ = app.Services.GetRequiredService<ReloadingCertificate>();
        }

        if (!string.IsNullOrEmpty(options.Policies))
        {
            LoadLocal(app.Services, options.Policies);
        }

        MapEndpoints(app, metricsApart);
        return app;
    }

    /// <summary>The API address Kestrel actually bound (resolves port 0).</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return Loopback(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>The metrics address Kestrel bound (the API address when metrics share it).</summary>
    public static Uri MetricsAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<RouterOptions>();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        var apiCount = ListenBinder.Addresses(options.Listen, "--listen").Count();
        return Loopback(MetricsListener.Apart(options) && addresses.Count > apiCount ? addresses[apiCount] : addresses[0]);
    }

    private static Uri Loopback(string address) =>
        new(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));

    /// <summary>
    /// Retries (429/5xx/408 and transport errors, exponential back-off with jitter) inside a circuit
    /// breaker. No timeout strategies: each policy's timeout is a cancellation the caller applies, and
    /// leaving out the standard handler's rate limiter and timeouts keeps the per-request cost low.
    /// </summary>
    private static void ConfigureResilience(ResiliencePipelineBuilder<HttpResponseMessage> pipeline)
    {
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(200),
            UseJitter = true,
            BackoffType = DelayBackoffType.Exponential,
        });
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            SamplingDuration = TimeSpan.FromSeconds(30),
            MinimumThroughput = 20,
            FailureRatio = 0.5,
            BreakDuration = TimeSpan.FromSeconds(15),
        });
    }

    private static void LoadLocal(IServiceProvider services, string path)
    {
        var config = LocalConfigLoader.Load(path);
        var store = services.GetRequiredService<PolicyStore>();
        var registry = services.GetRequiredService<SlmEndpointRegistry>();
        var metrics = services.GetRequiredService<RouterMetrics>();
        store.SetDeployments([.. config.Deployments.Select(d => new SlmDeploymentEntry(d.Name, string.IsNullOrEmpty(d.Model) ? d.Name : d.Model))]);
        store.SetPolicies(config.Policies);
        foreach (var deployment in config.Deployments)
        {
            registry.Update(deployment.Name, [.. deployment.Endpoints.Select(e => new Uri(e))]);
            metrics.Endpoints.WithLabels(deployment.Name).Set(deployment.Endpoints.Count);
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RouterHost));
        RouterLog.PoliciesLoaded(logger, config.Policies.Count, config.Deployments.Count, path);
    }

    /// <summary>The metrics listener serves /metrics and the probes only; the API listener everything but /metrics.</summary>
    private static Task SplitByListener(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        var isMetrics = path.Equals("/metrics", StringComparison.Ordinal);
        if (MetricsListener.IsMetricsConnection(context))
        {
            return isMetrics || path.Equals("/healthz", StringComparison.Ordinal) || path.Equals("/readyz", StringComparison.Ordinal)
                ? next(context)
                : OpenAiErrors.WriteAsync(context, new RequestError(404, $"Unknown endpoint {context.Request.Method} {path} on the metrics port; it serves GET /metrics, /healthz and /readyz only (the OpenAI API is on --listen).", OpenAiErrors.InvalidRequest, null, "unknown_url"));
        }

        return isMetrics
            ? OpenAiErrors.WriteAsync(context, new RequestError(404, $"/metrics is served on the metrics port ({MetricsListener.Flag}), not on the API port.", OpenAiErrors.InvalidRequest, null, "unknown_url"))
            : next(context);
    }

    private static void MapEndpoints(WebApplication app, bool metricsApart)
    {
        var router = app.Services.GetRequiredService<RequestRouter>();
        var metrics = app.Services.GetRequiredService<RouterMetrics>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RouterHost));
        var limiter = new ConcurrencyGate(app.Services.GetRequiredService<RouterOptions>().MaxConcurrentRequests);
        var headerLimits = app.Services.GetRequiredService<RequestHeaderLimits>();

        // First in the pipeline: every endpoint (health and metrics too) answers oversized headers alike.
        app.Use(next => context => headerLimits.Check(context.Request.Headers) is { } tooLarge
            ? OpenAiErrors.WriteAsync(context, tooLarge)
            : next(context));
        if (metricsApart)
        {
            app.Use(next => context => SplitByListener(context, next));
        }

        var embeddings = app.Services.GetRequiredService<EmbeddingsRouter>();
        var models = app.Services.GetRequiredService<ModelsEndpoint>();

        async Task Guarded(HttpContext context, Func<HttpContext, Task> handle)
        {
            if (!limiter.TryEnter())
            {
                await OpenAiErrors.WriteAsync(context, new RequestError(429, "The router is at its concurrency limit; retry shortly.", OpenAiErrors.RateLimit, null, "overloaded") { RetryAfter = "1" }).ConfigureAwait(false);
                return;
            }

            try
            {
                await handle(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                RouterLog.Unhandled(logger, context.Request.Path.Value ?? string.Empty, ex);
                if (!context.Response.HasStarted)
                {
                    context.Response.Headers.Clear();
                    await OpenAiErrors.WriteAsync(context, new RequestError(500, "The router failed to handle the request.", OpenAiErrors.Server, null, "internal_error")).ConfigureAwait(false);
                }
            }
            finally
            {
                limiter.Exit();
            }
        }

        app.MapPost("/v1/chat/completions", context => Guarded(context, c => router.HandleAsync(c, EndpointKind.ChatCompletions)));
        app.MapPost("/v1/completions", context => Guarded(context, c => router.HandleAsync(c, EndpointKind.Completions)));
        app.MapPost("/v1/embeddings", context => Guarded(context, embeddings.HandleAsync));
        app.MapGet("/v1/models", models.ListAsync);
        app.MapGet("/v1/models/{**id}", context => models.GetAsync(context, (string)context.Request.RouteValues["id"]!));
        var readiness = app.Services.GetRequiredService<ReadinessGate>();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => readiness.Ready ? Results.Text("ok") : Results.Text("warming up", statusCode: 503));
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapFallback(context => OpenAiErrors.WriteAsync(context, new RequestError(404, $"Unknown endpoint {context.Request.Method} {context.Request.Path}; the router serves POST /v1/chat/completions, POST /v1/completions, POST /v1/embeddings, GET /v1/models and GET /v1/models/{{model}} (plus /healthz and /readyz).", OpenAiErrors.InvalidRequest, null, "unknown_url")));
    }
}
