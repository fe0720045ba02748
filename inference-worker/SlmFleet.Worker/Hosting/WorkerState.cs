using SlmFleet.Worker.Constraints;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Metrics;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Scheduling;

namespace SlmFleet.Worker.Hosting;

/// <summary>Everything the gRPC services share: the loaded model, its scheduler, metrics and warm-up state.</summary>
internal sealed class WorkerState(WorkerOptions options, LoadedModel model, BatchScheduler scheduler, UtilizationTracker utilization, WorkerMetrics metrics, ChatTemplates chatTemplates)
{
    private readonly Random _seeds = options.Seed is { } seed ? new Random(seed) : new Random();
    private readonly Lock _seedLock = new();

    public WorkerOptions Options { get; } = options;

    public LoadedModel Model { get; } = model;

    public BatchScheduler Scheduler { get; } = scheduler;

    public UtilizationTracker Utilization { get; } = utilization;

    public WorkerMetrics Metrics { get; } = metrics;

    public ChatTemplates ChatTemplates { get; } = chatTemplates;

    /// <summary>Compiles and caches output constraints; the vocabulary's token trie is built at the first one.</summary>
    public ConstraintCompiler Constraints { get; } = new(() => new TokenVocabulary(model.Tokenizer, model.Engine.VocabSize));

    public string ServedName { get; } = NameOf(options);

    /// <summary>The name reported in Stats and used in errors: --served-name, else the model folder's name.</summary>
    public static string NameOf(WorkerOptions options)
        => options.ServedName ?? Path.GetFileName(Path.GetFullPath(options.ModelDirectory).TrimEnd(Path.DirectorySeparatorChar));

    private volatile bool _warm;

    public bool IsWarm
    {
        get => _warm;
        set => _warm = value;
    }

    public double WarmupSeconds { get; set; }

    private volatile bool _draining;

    /// <summary>Set when the process is asked to stop: new requests are refused while running ones finish.</summary>
    public bool IsDraining
    {
        get => _draining;
        set => _draining = value;
    }

    public int NextSeed()
    {
        lock (_seedLock)
        {
            return _seeds.Next();
        }
    }
}
