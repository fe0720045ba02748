using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Model;

/// <summary>Loads a GenAI-layout folder; every failure names the file and what is wrong with it.</summary>
internal static class ModelLoader
{
    public static LoadedModel Load(string directory, ExecutionProviderChoice provider, ILogger logger, int intraOpThreads = 0)
    {
        if (!Directory.Exists(directory))
        {
            throw new ModelLoadException($"model folder not found: {directory}");
        }

        var config = GenAiConfig.Load(Path.Combine(directory, "genai_config.json"));
        var modelPath = Path.Combine(directory, config.Filename);
        if (!File.Exists(modelPath))
        {
            throw new ModelLoadException($"{config.Filename} is missing: expected {modelPath} (named by genai_config.json model.decoder.filename)");
        }

        var tokenizer = TokenizerLoader.Load(directory);
        var (options, used) = SessionOptionsFor(provider, logger, intraOpThreads);
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException($"{config.Filename} could not be loaded by ONNX Runtime ({modelPath}): {ex.Message}", ex);
        }
        finally
        {
            options.Dispose();
        }

        CheckSignature(session, config, modelPath);
        var weightBytes = Directory.EnumerateFiles(directory, config.Filename + "*").Sum(f => new FileInfo(f).Length);
        return new LoadedModel(new InferenceEngine(session, config), tokenizer, used, weightBytes);
    }

    private static (SessionOptions Options, string Provider) SessionOptionsFor(ExecutionProviderChoice choice, ILogger logger, int intraOpThreads)
    {
        var options = CpuOptions(intraOpThreads);
        if (choice == ExecutionProviderChoice.Cpu)
        {
            return (options, "cpu");
        }

        try
        {
            options.AppendExecutionProvider_CUDA(0);
            return (options, "cuda");
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            if (choice == ExecutionProviderChoice.Cuda)
            {
                options.Dispose();
                throw new ModelLoadException($"--execution-provider cuda: the CUDA execution provider is not available ({ex.Message}); use the GPU image or --execution-provider cpu|auto", ex);
            }

            ModelLog.CudaFallback(logger, ex.Message);
            options.Dispose();
            return (CpuOptions(intraOpThreads), "cpu");
        }
    }

    // ORT sizes its thread pool from the node's physical cores and ignores the container's CPU
    // limit; Environment.ProcessorCount honours the cgroup quota, so a pod limited to 2 CPUs on a
    // 64-core node does not run 64 threads into CPU throttling. Spinning is off because the
    // worker's own threads (Kestrel, gRPC streaming, the scheduler) share those CPUs: on a busy
    // 2-core machine, batch-1 decode ran about 1.7x faster without it (measured with the bench's
    // engine-only loop, interleaved runs).
    private static SessionOptions CpuOptions(int intraOpThreads)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : Environment.ProcessorCount,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    private static void CheckSignature(InferenceSession session, GenAiConfig config, string modelPath)
    {
        foreach (var name in new[] { config.InputIdsName, config.AttentionMaskName, config.PastKey(0), config.PastValue(0) })
        {
            if (!session.InputMetadata.ContainsKey(name))
            {
                throw new ModelLoadException($"{modelPath} has no input \"{name}\" that genai_config.json names; inputs are: {string.Join(", ", session.InputMetadata.Keys)}");
            }
        }

        if (!session.OutputMetadata.ContainsKey(config.LogitsName))
        {
            throw new ModelLoadException($"{modelPath} has no output \"{config.LogitsName}\" that genai_config.json names");
        }

        if (session.InputMetadata[config.PastKey(0)].ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
        {
            throw new ModelLoadException($"{modelPath}: past key/value tensors are {session.InputMetadata[config.PastKey(0)].ElementDataType}; this engine serves float32 KV caches (CPU-style exports)");
        }
    }
}
