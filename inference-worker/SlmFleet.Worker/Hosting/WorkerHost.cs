using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Prometheus;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Metrics;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Scheduling;
using SlmFleet.Worker.Service;
using SlmFleet.Worker.Templating;

namespace SlmFleet.Worker.Hosting;

/// <summary>
/// A running worker: loads the model, starts gRPC (Inference, health, reflection) and /metrics,
/// then warms up in the background. `slm-worker serve` and tests (worker and router) both use it.
/// </summary>
internal sealed class WorkerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WorkerState _state;
    private readonly CancellationTokenSource _stopping = new();

    private readonly TaskCompletionSource _warm = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerHost(WebApplication app, WorkerState state, Uri grpcAddress, Uri metricsAddress)
    {
        _app = app;
        _state = state;
        GrpcAddress = grpcAddress;
        MetricsAddress = metricsAddress;
    }

    /// <summary>gRPC endpoint (HTTP/2 cleartext), e.g. http://127.0.0.1:5123.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>Prometheus endpoint, e.g. http://127.0.0.1:9123/metrics.</summary>
    public Uri MetricsAddress { get; }

    /// <summary>Completes when warm-up has finished (health SERVING); faults when warm-up fails.</summary>
    public Task Warm => _warm.Task;

    internal BatchScheduler Scheduler => _state.Scheduler;

    internal WorkerState State => _state;

    /// <summary>Loads the model (throws <see cref="ModelLoadException"/> naming the bad file), binds the ports and starts warm-up.</summary>
    public static async Task<WorkerHost> StartAsync(WorkerOptions options, CancellationToken cancellationToken)
    {
        var grpcPort = options.Port == 0 ? FreePort(options.ListenAddress) : options.Port;
        var metricsPort = options.MetricsPort == 0 ? FreePort(options.ListenAddress) : options.MetricsPort;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.ListenAddress, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(options.ListenAddress, metricsPort, listen => listen.Protocols = HttpProtocols.Http1);
        });

        var loadStarted = Stopwatch.GetTimestamp();
        using var loggerFactory = LoggerFactory.Create(l => l.AddConsole().SetMinimumLevel(options.LogLevel));
        var modelLogger = loggerFactory.CreateLogger("SlmFleet.Worker.Model");
        var chatTemplates = LoadChatTemplates(options, modelLogger);
        var model = ModelLoader.Load(options.ModelDirectory, options.ExecutionProvider, modelLogger, new EngineOptions
        {
            MaxBatch = options.MaxBatch,
            PrefillChunk = options.PrefillChunk,
            MaxSequenceLength = options.MaxSequenceLength,
            IntraOpThreads = options.IntraOpThreads,
            DeviceId = options.DeviceId,
        });
        var loadTime = Stopwatch.GetElapsedTime(loadStarted);

        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new WorkerMetrics(registry);
        metrics.ExecutionProvider.WithLabels(model.ExecutionProvider, options.ExecutionProvider.ToString().ToLowerInvariant()).Set(1);
        var utilization = new UtilizationTracker(options.TimeProvider, options.StatsWindow, options.MaxBatch);
        registry.AddBeforeCollectCallback(() =>
        {
            metrics.Utilization.Set(utilization.Utilization());
            metrics.CapacityUtilization.Set(utilization.CapacityUtilization());
            metrics.TokensPerSecond.Set(utilization.TokensPerSecond());
        });

        var health = new HealthServiceImpl();
        health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.NotServing);
        health.SetStatus(WarmupRunner.ServiceName, HealthCheckResponse.Types.ServingStatus.NotServing);

        // Kestrel waits this long for running requests (streams included) when the process is asked to stop.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout);
        builder.Services.AddGrpc();
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton(health);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(sp =>
        {
            var scheduler = new BatchScheduler(model.Engine, model.Tokenizer, new SchedulerOptions(options.MaxBatch, options.MaxQueue), metrics, utilization, options.TimeProvider,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<BatchScheduler>());
            return new WorkerState(options, model, scheduler, utilization, metrics, chatTemplates);
        });

        var app = builder.Build();
        // The ports are split by protocol (gRPC listener HTTP/2 only, metrics listener HTTP/1 only)
        // rather than by Host header: behind a Service that maps port 80 → 50051 the :authority
        // carries the Service's port, not the pod's.
        app.MapGrpcService<InferenceService>();
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();
        app.MapMetrics("/metrics", registry);

        var state = app.Services.GetRequiredService<WorkerState>();
        state.Scheduler.Start();
        var stoppingLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<WorkerHost>();
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            // SIGTERM (or a host stop): out of rotation at once, running sequences finish within DrainTimeout.
            state.IsDraining = true;
            health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.NotServing);
            health.SetStatus(WarmupRunner.ServiceName, HealthCheckResponse.Types.ServingStatus.NotServing);
            HostLog.Draining(stoppingLogger, state.Scheduler.ActiveSequences, state.Scheduler.QueueDepth, options.DrainTimeout.TotalSeconds);
        });
        await app.StartAsync(cancellationToken);

        var host = options.ListenAddress.Equals(IPAddress.Any) ? "127.0.0.1" : options.ListenAddress.ToString();
        var grpcAddress = new Uri($"http://{host}:{grpcPort}");
        var metricsAddress = new Uri($"http://{host}:{metricsPort}/metrics");
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<WorkerHost>();
        HostLog.Listening(logger, grpcAddress, metricsAddress);

        var workerHost = new WorkerHost(app, state, grpcAddress, metricsAddress);
        _ = Task.Run(() => workerHost.WarmUpAsync(health, loadTime, logger), CancellationToken.None);
        return workerHost;
    }

    /// <summary>
    /// The model's own templates (parsed now, so a broken one fails the load naming its file and line)
    /// and the worker's default per <see cref="ChatTemplates"/>' precedence. A template the worker will
    /// not use by default, because --chat-template replaces it, is allowed to be broken.
    /// </summary>
    private static ChatTemplates LoadChatTemplates(WorkerOptions options, ILogger logger)
    {
        var forced = options.ChatTemplate is not null;
        var model = ModelChatTemplates.Load(options.ModelDirectory, WorkerState.NameOf(options),
            forced ? problem => ModelLog.ChatTemplateSkipped(logger, problem.Message) : null, options.TimeProvider);
        ChatTemplates chosen;
        try
        {
            chosen = ChatTemplates.Choose(options.ChatTemplate, model);
        }
        catch (JinjaException ex)
        {
            throw new ArgumentException($"--chat-template: the Jinja template does not parse at line {ex.Line}, column {ex.Column}: {ex.Reason}", ex);
        }

        ModelLog.ChatTemplate(logger, chosen.Default.Description);
        return chosen;
    }

    private async Task WarmUpAsync(HealthServiceImpl health, TimeSpan loadTime, ILogger logger)
    {
        try
        {
            await WarmupRunner.RunAsync(_state, health, loadTime, logger, _stopping.Token);
            _warm.TrySetResult();
        }
        catch (OperationCanceledException)
        {
            _warm.TrySetCanceled();
        }
        catch (Exception ex)
        {
            // Counted, so the failure is visible in /metrics while the startup probe gives the pod its last seconds.
            _state.Metrics.WarmupFailures.Inc();
            HostLog.WarmupFailed(logger, ex);
            _warm.TrySetException(ex);
        }
    }

    /// <summary>Waits until warm (health SERVING).</summary>
    public Task WaitUntilWarmAsync(CancellationToken cancellationToken) => Warm.WaitAsync(cancellationToken);

    /// <summary>Runs until the process is asked to stop (SIGTERM / Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            _state.Scheduler.Dispose();
            _state.Model.Engine.Dispose();
            await _app.DisposeAsync();
            _stopping.Dispose();
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
