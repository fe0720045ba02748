using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Scheduling;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Model;

/// <summary>Loads a GenAI-layout folder; every failure names the file and what is wrong with it.</summary>
internal static class ModelLoader
{
    public static LoadedModel Load(string directory, ExecutionProviderChoice provider, ILogger logger, EngineOptions? engineOptions = null)
    {
        var sizing = engineOptions ?? EngineOptions.Default;
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
        var (options, used) = SessionOptionsFor(provider, logger, sizing);
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

        try
        {
            var onCuda = used == "cuda";
            var conventions = ModelConventions.Read(session, config, modelPath, sizing.MaxSequenceLength, onCuda);
            var allocator = onCuda
                ? new OrtAllocator(session, new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, sizing.DeviceId, OrtMemType.Default))
                : null;
            var engine = new InferenceEngine(session, config, conventions, sizing.MaxBatch + ClassifyScorer.ScratchSlots, sizing.PrefillChunk, allocator);
            ModelLog.Conventions(logger, config.Filename, conventions.Summary, engine.Cache.TotalBytes / (1024.0 * 1024.0));
            var weightBytes = Directory.EnumerateFiles(directory, config.Filename + "*").Sum(f => new FileInfo(f).Length);
            return new LoadedModel(engine, tokenizer, used, weightBytes);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static (SessionOptions Options, string Provider) SessionOptionsFor(ExecutionProviderChoice choice, ILogger logger, EngineOptions sizing)
    {
        var options = CpuOptions(sizing.IntraOpThreads);
        if (choice == ExecutionProviderChoice.Cpu)
        {
            return (options, "cpu");
        }

        try
        {
            options.AppendExecutionProvider_CUDA(sizing.DeviceId);
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
            return (CpuOptions(sizing.IntraOpThreads), "cpu");
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
}
