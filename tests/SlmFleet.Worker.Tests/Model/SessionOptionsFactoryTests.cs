using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SlmFleet.Testing.Logging;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Model;

/// <summary>
/// Runs on the CPU package, where the CUDA execution provider is really absent: the fallback and
/// the errors below are the real ones, not simulated.
/// </summary>
[TestFixture]
public sealed class SessionOptionsFactoryTests
{
    private static readonly string[] CpuAndCuda = ["CUDAExecutionProvider", "CPUExecutionProvider"];

    [Test]
    public void Create_Cpu_AppliesTheFlagAndTheConfig()
    {
        var config = Parse("""{ "log_id": "genai", "intra_op_num_threads": 7, "inter_op_num_threads": 2, "enable_mem_pattern": false, "provider_options": [{ "cuda": {} }] }""");

        var choice = SessionOptionsFactory.Create(ExecutionProviderChoice.Cpu, 3, null, config, NullLogger());

        using var options = choice.Options;
        choice.Provider.Should().Be("cpu");
        choice.FallbackReason.Should().BeNull();
        options.IntraOpNumThreads.Should().Be(3, "the flag wins over intra_op_num_threads");
        options.InterOpNumThreads.Should().Be(2);
        options.LogId.Should().Be("genai");
        options.EnableMemoryPattern.Should().BeFalse();
        options.GraphOptimizationLevel.Should().Be(GraphOptimizationLevel.ORT_ENABLE_ALL);
    }

    [TestCase(0, 7, 7)]
    [TestCase(0, null, -1)]
    public void Create_NoThreadFlag_TakesTheConfigThenTheProcessorCount(int flag, int? fromConfig, int expected)
    {
        var config = DecoderSessionConfig.Empty with { IntraOpThreads = fromConfig };

        using var options = SessionOptionsFactory.Create(ExecutionProviderChoice.Cpu, flag, null, config, NullLogger()).Options;

        options.IntraOpNumThreads.Should().Be(expected > 0 ? expected : Environment.ProcessorCount);
    }

    [Test]
    public void Create_AutoOnTheCpuBuild_FallsBackToCpuAndSaysWhy()
    {
        var logs = new RecordingLoggerProvider();

        var choice = SessionOptionsFactory.Create(ExecutionProviderChoice.Auto, 1, null, (JsonElement?)null, logs.CreateLogger("test"));

        using var options = choice.Options;
        choice.Provider.Should().Be("cpu");
        choice.FallbackReason.Should().Contain("no CUDA execution provider").And.Contain("-p:OnnxRuntimeFlavor=Gpu");
        logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning && e.Text.Contains("falling back to CPU"));
    }

    [Test]
    public void Create_CudaOnTheCpuBuild_ThrowsNamingTheFlag()
    {
        var act = () => SessionOptionsFactory.Create(ExecutionProviderChoice.Cuda, 1, 0, (JsonElement?)null, NullLogger());

        act.Should().Throw<ModelLoadException>()
            .WithMessage("--execution-provider cuda: this worker's ONNX Runtime has no CUDA execution provider*use the GPU image, or --execution-provider cpu|auto");
    }

    [Test]
    public void Create_AutoWhenAppendingCudaFails_FallsBackWithOnnxRuntimesReason()
    {
        // The provider list claims CUDA; the CPU package then really fails to create the CUDA options,
        // as a GPU build does when the CUDA libraries are missing.
        var config = Parse("""{ "provider_options": [{ "cuda": { "enable_cuda_graph": "0" } }] }""");

        var choice = SessionOptionsFactory.Create(ExecutionProviderChoice.Auto, 1, 2, config, NullLogger(), CpuAndCuda);

        using var options = choice.Options;
        choice.Provider.Should().Be("cpu");
        choice.FallbackReason.Should().StartWith("the CUDA execution provider could not be added with enable_cuda_graph=0, device_id=2 (");
    }

    [Test]
    public void Create_CudaWhenAppendingCudaFails_ThrowsNamingTheFlagWithTheCause()
    {
        var act = () => SessionOptionsFactory.Create(ExecutionProviderChoice.Cuda, 1, null, DecoderSessionConfig.Empty, NullLogger(), CpuAndCuda);

        act.Should().Throw<ModelLoadException>().WithMessage("--execution-provider cuda: the CUDA execution provider could not be added*")
            .WithInnerException<OnnxRuntimeException>();
    }

    [Test]
    public void Create_UnknownProviderInTheConfig_ThrowsNamingTheConfigField()
    {
        using var document = JsonDocument.Parse("""{ "provider_options": [{ "dml": {} }] }""");

        var act = () => SessionOptionsFactory.Create(ExecutionProviderChoice.Auto, 1, null, document.RootElement, NullLogger());

        act.Should().Throw<ModelLoadException>().WithMessage("genai_config.json model.decoder.session_options.provider_options[0]: *\"dml\"*accepted: \"cuda\", \"cpu\"");
    }

    [TestCase(null, "3")]
    [TestCase(1, "1")]
    public void CudaOptions_DeviceFlagWinsOverTheConfig(int? flag, string expected)
    {
        var config = Parse("""{ "provider_options": [{ "cuda": { "device_id": "3", "arena_extend_strategy": "kSameAsRequested" } }] }""");

        var options = SessionOptionsFactory.CudaOptions(config, flag);

        options.Should().Contain("device_id", expected).And.Contain("arena_extend_strategy", "kSameAsRequested");
    }

    [Test]
    public void CudaOptions_NeitherFlagNorConfig_DeviceZero()
    {
        SessionOptionsFactory.CudaOptions(DecoderSessionConfig.Empty, null).Should().Equal(new Dictionary<string, string> { ["device_id"] = "0" });
    }

    [Test]
    public void Create_AutoOptions_LoadABuilderExport()
    {
        var folder = FixtureModels.Folder("qwen2-gqa-fp32");
        var config = DecoderSessionConfig.Load(Path.Combine(folder, "genai_config.json"));
        var choice = SessionOptionsFactory.Create(ExecutionProviderChoice.Auto, 1, null, config, NullLogger());

        using (choice.Options)
        using (var session = new InferenceSession(Path.Combine(folder, "model.onnx"), choice.Options))
        {
            session.OutputMetadata.Should().ContainKey("logits");
        }
    }

    private static ILogger NullLogger() => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private static DecoderSessionConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return DecoderSessionConfig.Parse(document.RootElement);
    }
}
