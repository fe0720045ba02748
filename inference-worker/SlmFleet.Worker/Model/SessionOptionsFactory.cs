using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace SlmFleet.Worker.Model;

/// <summary>
/// Builds the decoder's session options from the --execution-provider choice, the thread and device
/// flags, and genai_config.json's <c>model.decoder.session_options</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>cpu: CPU options; a cuda entry in provider_options is ignored (the flag is explicit).</item>
/// <item>cuda: the CUDA execution provider or a <see cref="ModelLoadException"/> naming the flag, for
/// the CPU-only build as for a GPU build whose CUDA libraries are missing.</item>
/// <item>auto: CUDA when it can be appended, otherwise CPU with the reason logged and returned. It tries
/// CUDA even when the config has no cuda entry: the builder's CPU exports (float32 KV caches, what
/// this engine serves) run on the CUDA provider too, and a GPU image is deployed to use its GPU.</item>
/// </list>
/// Precedence, flag over file: the CUDA device is --cuda-device when given, else the config's
/// device_id, else 0; intra-op threads are the flag when above 0, else the config's
/// intra_op_num_threads, else Environment.ProcessorCount. Config entries from the file override the
/// defaults, as they would in ONNX Runtime GenAI.
/// </remarks>
internal static class SessionOptionsFactory
{
    /// <summary>ONNX Runtime's name for the CUDA execution provider in GetAvailableProviders.</summary>
    public const string CudaExecutionProvider = "CUDAExecutionProvider";

    /// <summary>Builds options from the raw <c>model.decoder.session_options</c> element (null when the file has none).</summary>
    public static SessionOptionsChoice Create(
        ExecutionProviderChoice choice, int intraOpThreads, int? cudaDeviceId, JsonElement? sessionOptions, ILogger logger)
        => Create(choice, intraOpThreads, cudaDeviceId, DecoderSessionConfig.Parse(sessionOptions), logger);

    /// <summary>Builds options; <paramref name="availableProviders"/> defaults to what the loaded ONNX Runtime reports (tests pass their own).</summary>
    public static SessionOptionsChoice Create(
        ExecutionProviderChoice choice, int intraOpThreads, int? cudaDeviceId, DecoderSessionConfig config, ILogger logger,
        IReadOnlyCollection<string>? availableProviders = null)
    {
        if (choice == ExecutionProviderChoice.Cpu)
        {
            return new SessionOptionsChoice(CpuOptions(intraOpThreads, config), "cpu", null);
        }

        availableProviders ??= OrtEnv.Instance().GetAvailableProviders();
        if (!availableProviders.Contains(CudaExecutionProvider))
        {
            var reason = $"this worker's ONNX Runtime has no CUDA execution provider (it has {string.Join(", ", availableProviders)}): it is the CPU build, not one built with -p:OnnxRuntimeFlavor=Gpu";
            return Fallback(choice, reason, null, intraOpThreads, config, logger);
        }

        var cuda = CudaOptions(config, cudaDeviceId);
        var options = CpuOptions(intraOpThreads, config);
        try
        {
            using var providerOptions = new OrtCUDAProviderOptions();
            providerOptions.UpdateOptions(cuda);
            options.AppendExecutionProvider_CUDA(providerOptions);
            return new SessionOptionsChoice(options, "cuda", null);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            options.Dispose();
            var settings = string.Join(", ", cuda.Select(o => $"{o.Key}={o.Value}"));
            var reason = $"the CUDA execution provider could not be added with {settings} ({ex.Message})";
            return Fallback(choice, reason, ex, intraOpThreads, config, logger);
        }
    }

    /// <summary>
    /// The CUDA provider options: the config's cuda entry (device_id, arena_extend_strategy,
    /// gpu_mem_limit, cudnn_conv_algo_search, enable_cuda_graph, ... passed to ONNX Runtime, which
    /// validates them) with device_id replaced by the flag when the flag is given.
    /// </summary>
    public static Dictionary<string, string> CudaOptions(DecoderSessionConfig config, int? cudaDeviceId)
    {
        var options = new Dictionary<string, string>(config.Cuda ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (cudaDeviceId is { } device)
        {
            options["device_id"] = device.ToString(CultureInfo.InvariantCulture);
        }

        options.TryAdd("device_id", "0");
        return options;
    }

    private static SessionOptionsChoice Fallback(
        ExecutionProviderChoice choice, string reason, Exception? inner, int intraOpThreads, DecoderSessionConfig config, ILogger logger)
    {
        if (choice == ExecutionProviderChoice.Cuda)
        {
            var message = $"--execution-provider cuda: {reason}; use the GPU image, or --execution-provider cpu|auto";
            throw inner is null ? new ModelLoadException(message) : new ModelLoadException(message, inner);
        }

        ModelLog.CudaFallback(logger, reason);
        return new SessionOptionsChoice(CpuOptions(intraOpThreads, config), "cpu", reason);
    }

    // ORT sizes its thread pool from the node's physical cores and ignores the container's CPU
    // limit; Environment.ProcessorCount honours the cgroup quota, so a pod limited to 2 CPUs on a
    // 64-core node does not run 64 threads into CPU throttling. Intra-op spinning keeps ONNX
    // Runtime's default (on), as ONNX Runtime GenAI does: with the slot-cache engine, turning it off
    // cost 10-25 % of batch-1 decode speed on a 2-core machine (bench engine-only loop, interleaved
    // runs). A node that must not spin sets "session.intra_op.allow_spinning": "0" in
    // genai_config.json's session_options.
    private static SessionOptions CpuOptions(int intraOpThreads, DecoderSessionConfig config)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = config.GraphOptimizationLevel ?? GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : config.IntraOpThreads is > 0 and var fromConfig ? fromConfig : Environment.ProcessorCount,
        };
        Apply(options, config);
        return options;
    }

    private static void Apply(SessionOptions options, DecoderSessionConfig config)
    {
        if (config.LogId is { } logId)
        {
            options.LogId = logId;
        }

        if (config.InterOpThreads is { } inter)
        {
            options.InterOpNumThreads = inter;
        }

        if (config.LogSeverityLevel is { } severity)
        {
            options.LogSeverityLevel = (OrtLoggingLevel)severity;
        }

        if (config.LogVerbosityLevel is { } verbosity)
        {
            options.LogVerbosityLevel = verbosity;
        }

        if (config.EnableCpuMemArena is { } arena)
        {
            options.EnableCpuMemArena = arena;
        }

        if (config.EnableMemoryPattern is { } pattern)
        {
            options.EnableMemoryPattern = pattern;
        }

        if (config.ProfilePrefix is { } prefix)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = prefix;
        }

        foreach (var (key, value) in config.ConfigEntries)
        {
            options.AddSessionConfigEntry(key, value);
        }
    }
}
