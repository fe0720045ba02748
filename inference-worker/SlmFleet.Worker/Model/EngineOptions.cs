namespace SlmFleet.Worker.Model;

/// <summary>How the engine is sized: KV slots, prefill chunk, longest sequence, threads, device.</summary>
internal sealed record EngineOptions
{
    public static EngineOptions Default { get; } = new();

    /// <summary>Sequences decoded together; each owns one KV slot.</summary>
    public int MaxBatch { get; init; } = 16;

    /// <summary>Most prompt tokens run in one call between decode steps.</summary>
    public int PrefillChunk { get; init; } = 256;

    /// <summary>Prompt plus output limit per sequence; 0 = genai_config's search.max_length (capped at context_length).</summary>
    public int MaxSequenceLength { get; init; }

    /// <summary>ONNX Runtime intra-op threads; 0 = the CPUs this process may use (cgroup-aware).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>CUDA device ordinal; -1 = genai_config's provider_options cuda device_id, else 0.</summary>
    public int DeviceId { get; init; } = -1;
}
