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

            foreach (var file in new[] { "model.onnx", "model.onnx.data", "genai_config.json", "tokenizer.json" })
            {
                File.ReadAllBytes(Path.Combine(root, "b", file)).Should().Equal(File.ReadAllBytes(Path.Combine(root, "a", file)), file);
            }

            File.ReadAllBytes(Path.Combine(root, "c", "model.onnx.data")).Should().NotEqual(File.ReadAllBytes(Path.Combine(root, "a", "model.onnx.data")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void Write_OtherPrecision_DifferentFiles()
    {
        var root = Path.Combine(Path.GetTempPath(), "slm-make-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            foreach (var precision in Enum.GetValues<ModelPrecision>())
            {
                ModelFolderWriter.Write(Path.Combine(root, precision.ToString()), ModelPreset.Tiny, 3, precision);
            }

            var data = Enum.GetValues<ModelPrecision>()
                .Select(p => Convert.ToHexString(File.ReadAllBytes(Path.Combine(root, p.ToString(), "model.onnx.data"))))
                .ToList();
            data.Should().OnlyHaveUniqueItems();
            File.ReadAllBytes(Path.Combine(root, "Fp32", "model.onnx")).Should().NotEqual(File.ReadAllBytes(Path.Combine(root, "Int4", "model.onnx")));
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

        files.Should().Contain(["model.onnx", "model.onnx.data", "genai_config.json", "tokenizer.json", "tokenizer_config.json"]);
        Directory.GetFiles(TinyModel.Directory).Sum(f => new FileInfo(f).Length).Should().BeLessThan(5_000_000);
    }

    [Test]
    public void Write_GenAiConfig_UsesOnnxRuntimeGenAiKeys()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(TinyModel.Directory, "genai_config.json")));
        var decoder = config.RootElement.GetProperty("model").GetProperty("decoder");

        decoder.GetProperty("inputs").GetProperty("past_key_names").GetString().Should().Be("past_key_values.%d.key");
        decoder.GetProperty("outputs").GetProperty("present_value_names").GetString().Should().Be("present.%d.value");
        decoder.GetProperty("inputs").TryGetProperty("position_ids", out _).Should().BeFalse("GroupQueryAttention derives positions from seqlens_k");
        decoder.GetProperty("num_key_value_heads").GetInt32().Should().BeLessThan(decoder.GetProperty("num_attention_heads").GetInt32());
        decoder.GetProperty("head_size").GetInt32().Should().Be(16);
        config.RootElement.GetProperty("model").GetProperty("type").GetString().Should().Be("qwen2");
        config.RootElement.GetProperty("model").GetProperty("vocab_size").GetInt32().Should().BeGreaterThan(256);
        config.RootElement.GetProperty("search").GetProperty("past_present_share_buffer").GetBoolean().Should().BeTrue();
        config.RootElement.GetProperty("search").GetProperty("max_length").GetInt32().Should().Be(512);
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

    [Test]
    public void Write_GenAiConfig_SpecialIdsExistInTokenizer()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(TinyModel.Directory, "genai_config.json")));
        using var tokenizer = JsonDocument.Parse(File.ReadAllText(Path.Combine(TinyModel.Directory, "tokenizer.json")));
        var model = config.RootElement.GetProperty("model");
        var specialIds = tokenizer.RootElement.GetProperty("added_tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToHashSet();

        var ids = model.GetProperty("eos_token_id").EnumerateArray().Select(e => e.GetInt32())
            .Append(model.GetProperty("bos_token_id").GetInt32())
            .Append(model.GetProperty("pad_token_id").GetInt32());
        ids.Should().OnlyContain(id => specialIds.Contains(id));
    }
}
