using Microsoft.ML.OnnxRuntime;
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
        ModelLog.Tokenizer(logger, tokenizer.Family, directory);
        var sessionConfig = DecoderSessionConfig.Load(Path.Combine(directory, "genai_config.json"));
        var deviceId = sizing.DeviceId >= 0 ? sizing.DeviceId : (int?)null;
        var choice = SessionOptionsFactory.Create(provider, sizing.IntraOpThreads, deviceId, sessionConfig, logger);
        var (options, used) = (choice.Options, choice.Provider);
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
            var cudaDevice = int.Parse(SessionOptionsFactory.CudaOptions(sessionConfig, deviceId)["device_id"], System.Globalization.CultureInfo.InvariantCulture);
            var allocator = onCuda
                ? new OrtAllocator(session, new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, cudaDevice, OrtMemType.Default))
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
}
