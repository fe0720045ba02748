using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Model;

[TestFixture]
public sealed class DecoderSessionConfigTests
{
    [Test]
    public void Parse_KnownKeysProvidersAndConfigEntries_AreRead()
    {
        var config = Parse("""
            {
              "log_id": "onnxruntime-genai",
              "intra_op_num_threads": 3,
              "inter_op_num_threads": 1,
              "enable_cpu_mem_arena": false,
              "graph_optimization_level": "ORT_ENABLE_EXTENDED",
              "session.disable_prepacking": "1",
              "provider_options": [{ "CUDAExecutionProvider": { "enable_cuda_graph": "0", "gpu_mem_limit": 1073741824, "do_copy_in_default_stream": true } }]
            }
            """);

        config.LogId.Should().Be("onnxruntime-genai");
        config.IntraOpThreads.Should().Be(3);
        config.InterOpThreads.Should().Be(1);
        config.EnableCpuMemArena.Should().BeFalse();
        config.GraphOptimizationLevel.Should().Be(GraphOptimizationLevel.ORT_ENABLE_EXTENDED);
        config.ConfigEntries.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, string>("session.disable_prepacking", "1"));
        config.Cuda.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["enable_cuda_graph"] = "0",
            ["gpu_mem_limit"] = "1073741824",
            ["do_copy_in_default_stream"] = "1",
        });
    }

    [TestCase("dml")]
    [TestCase("qnn")]
    [TestCase("WebGPU")]
    public void Parse_ProviderThisWorkerDoesNotRun_NamesTheFieldAndTheAcceptedValues(string provider)
    {
        var act = () => Parse($$"""{ "provider_options": [{ "{{provider}}": {} }] }""");

        act.Should().Throw<ModelLoadException>()
            .WithMessage($"genai_config.json model.decoder.session_options.provider_options[0]: execution provider \"{provider}\" is not supported by this worker; accepted: \"cuda\", \"cpu\"");
    }

    [Test]
    public void Parse_SecondEntryUnknown_NamesItsIndex()
    {
        var act = () => Parse("""{ "provider_options": [{ "cuda": {} }, { "rocm": {} }] }""");

        act.Should().Throw<ModelLoadException>().WithMessage("*provider_options[1]*\"rocm\"*");
    }

    [TestCase("""{ "intra_op_num_threads": "four" }""", "*session_options.intra_op_num_threads: expected a whole number >= 0, found \"four\"")]
    [TestCase("""{ "graph_optimization_level": "FAST" }""", "*session_options.graph_optimization_level: \"FAST\" is not a level; accepted: ORT_DISABLE_ALL*")]
    [TestCase("""{ "provider_options": { "cuda": {} } }""", "*session_options.provider_options: expected a list*")]
    [TestCase("""{ "provider_options": [{ "cuda": { "device_filtering_options": {} } }] }""", "*provider_options[0].cuda.device_filtering_options: expected a string value*")]
    [TestCase("""{ "custom_ops_library": "libevil.so" }""", "*session_options.custom_ops_library: custom operator libraries are not loaded*")]
    public void Parse_BadValue_NamesTheField(string json, string message)
    {
        var act = () => Parse(json);

        act.Should().Throw<ModelLoadException>().WithMessage(message);
    }

    [Test]
    public void Parse_NoElement_IsEmpty()
    {
        DecoderSessionConfig.Parse(null).Should().Be(DecoderSessionConfig.Empty);
    }

    [Test]
    public void Load_BuilderCudaExport_ReadsItsCudaEntry()
    {
        var config = DecoderSessionConfig.Load(Path.Combine(FixtureModels.Folder("qwen2-gqa-fp16"), "genai_config.json"));

        config.LogId.Should().Be("onnxruntime-genai");
        config.Cuda.Should().BeEquivalentTo(new Dictionary<string, string> { ["enable_cuda_graph"] = "0" });
    }

    [Test]
    public void Load_BuilderCpuExport_HasNoCudaEntry()
    {
        var config = DecoderSessionConfig.Load(Path.Combine(FixtureModels.Folder("qwen2-gqa-fp32"), "genai_config.json"));

        config.Cuda.Should().BeNull();
        config.LogId.Should().Be("onnxruntime-genai");
    }

    private static DecoderSessionConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return DecoderSessionConfig.Parse(document.RootElement);
    }
}
