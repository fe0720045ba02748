using System.Net;
using SlmFleet.Worker.Model;

namespace SlmFleet.Worker.Hosting;

/// <summary>Settings of one worker (the `serve` flags). Port 0 picks a free port.</summary>
internal sealed class WorkerOptions
{
    public required string ModelDirectory { get; init; }

    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    public int Port { get; init; }

    public int MetricsPort { get; init; }

    public IReadOnlyList<string> WarmupPrompts { get; init; } = ["Hello, how are you?"];

    public int MaxQueue { get; init; } = 64;

    public int MaxBatch { get; init; } = 16;

    /// <summary>--chat-template: a preset name, a Jinja template or a one-message format; null = the model's own template, else chatml.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>The name reported in Stats; defaults to the model folder's name.</summary>
    public string? ServedName { get; init; }

    public ExecutionProviderChoice ExecutionProvider { get; init; } = ExecutionProviderChoice.Auto;

    public int DefaultMaxNewTokens { get; init; } = 128;

    /// <summary>ONNX Runtime intra-op threads; 0 = the CPUs this process may use (cgroup-aware).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Most prompt tokens prefilled in one call between decode steps.</summary>
    public int PrefillChunk { get; init; } = 256;

    /// <summary>Prompt plus output limit per sequence; 0 = genai_config's search.max_length.</summary>
    public int MaxSequenceLength { get; init; }

    /// <summary>CUDA device ordinal; -1 = genai_config's provider_options cuda device_id, else 0.</summary>
    public int DeviceId { get; init; } = -1;

    public TimeSpan StatsWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// On SIGTERM: how long in-flight generations may run on while the worker reports NOT_SERVING and
    /// refuses new work (UNAVAILABLE, so a router retries elsewhere). Keep it below the pod's
    /// terminationGracePeriodSeconds minus its preStop pause.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Seeds the random source of requests that give no seed; null = unpredictable.</summary>
    public int? Seed { get; init; }

    /// <summary>Awaited before the warm-up prompts run; tests use it to observe NOT_SERVING.</summary>
    internal Func<CancellationToken, Task>? WarmupGate { get; init; }

    /// <summary>Minimum log level for the worker's own logs.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}
