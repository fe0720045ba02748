using System.Text.Json;
using SlmFleet.Worker.ModelBuilder;

namespace SlmFleet.Worker.Tests.ModelBuilder;

[TestFixture]
public sealed class ModelFolderWriterTests
{
    [Test]
    public void Write_SameSeed_IdenticalBytes_OtherSeed_DifferentWeights()
    {
        var root = Path.Combine(Path.GetTempPath(), "slm-make-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            ModelFolderWriter.Write(Path.Combine(root, "a"), ModelPreset.Tiny, 3);
            ModelFolderWriter.Write(Path.Combine(root, "b"), ModelPreset.Tiny, 3);
            ModelFolderWriter.Write(Path.Combine(root, "c"), ModelPreset.Tiny, 4);

            var a = File.ReadAllBytes(Path.Combine(root, "a", "model.onnx"));
            File.ReadAllBytes(Path.Combine(root, "b", "model.onnx")).Should().Equal(a);
            File.ReadAllBytes(Path.Combine(root, "c", "model.onnx")).Should().NotEqual(a);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void Write_Tiny_UnderFiveMegabytesInGenAiLayout()
    {
        var files = Directory.GetFiles(TinyModel.Directory).Select(Path.GetFileName);

        files.Should().Contain(["model.onnx", "genai_config.json", "tokenizer.json", "tokenizer_config.json"]);
        Directory.GetFiles(TinyModel.Directory).Sum(f => new FileInfo(f).Length).Should().BeLessThan(5_000_000);
    }

    [Test]
    public void Write_GenAiConfig_UsesOnnxRuntimeGenAiKeys()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(TinyModel.Directory, "genai_config.json")));
        var decoder = config.RootElement.GetProperty("model").GetProperty("decoder");

        decoder.GetProperty("inputs").GetProperty("past_key_names").GetString().Should().Be("past_key_values.%d.key");
        decoder.GetProperty("outputs").GetProperty("present_value_names").GetString().Should().Be("present.%d.value");
        decoder.GetProperty("num_key_value_heads").GetInt32().Should().Be(decoder.GetProperty("num_attention_heads").GetInt32());
        config.RootElement.GetProperty("model").GetProperty("vocab_size").GetInt32().Should().BeGreaterThan(256);
    }

    [Test]
    public void Write_Tokenizer_IsHuggingFaceBpe()
    {
        using var tokenizer = JsonDocument.Parse(File.ReadAllText(Path.Combine(TinyModel.Directory, "tokenizer.json")));
        var model = tokenizer.RootElement.GetProperty("model");

        model.GetProperty("type").GetString().Should().Be("BPE");
        model.GetProperty("merges").GetArrayLength().Should().BeGreaterThan(50);
        model.GetProperty("vocab").GetProperty("Ġthe").GetInt32().Should().BeGreaterThan(255);
    }
}
