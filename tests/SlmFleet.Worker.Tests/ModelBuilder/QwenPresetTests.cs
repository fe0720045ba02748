using Microsoft.ML.OnnxRuntimeGenAI;
using SlmFleet.Worker.ModelBuilder;
using GenAiModel = Microsoft.ML.OnnxRuntimeGenAI.Model;

namespace SlmFleet.Worker.Tests.ModelBuilder;

/// <summary>
/// The qwen2.5-0.5b preset is checked on its graph alone (no weights are generated), so the suite stays fast;
/// writing the full int4 folder takes seconds and is measured by hand (see the ModelBuilder notes in the report).
/// </summary>
[TestFixture]
public sealed class QwenPresetTests
{
    private const int Vocab = 151_936;

    [Test]
    public void Qwen25HalfB_HasQwen25Shape()
    {
        var preset = ModelPreset.Find("qwen2.5-0.5b")!;

        preset.Should().NotBeNull();
        (preset.Layers, preset.Hidden, preset.Heads, preset.KvHeads, preset.HeadSize, preset.FeedForward).Should().Be((24, 896, 14, 2, 64, 4864));
        (preset.VocabSize, preset.ContextLength, preset.RopeTheta, preset.TiedEmbeddings).Should().Be((Vocab, 32_768, 1_000_000d, true));
        preset.DefaultPrecision.Should().Be(ModelPrecision.Int4);
        preset.MaxLength.Should().BeLessThan(preset.ContextLength);
    }

    [Test]
    public void Qwen25HalfB_Fp32Graph_Has494MParameters()
    {
        var model = TransformerGraphWriter.Build(ModelPreset.Qwen25HalfB, ModelPrecision.Fp32, Vocab, seed: 1, data: null);

        var parameters = model.Graph.Initializer
            .Where(t => t.Name is not ("cos_cache" or "sin_cache"))
            .Sum(t => t.Dims.Aggregate(1L, (a, b) => a * b));

        // Qwen2.5-0.5B: 494,032,768 parameters, the tied embedding counted once.
        parameters.Should().Be(494_032_768);
        model.Graph.Initializer.Single(t => t.Name == "cos_cache").Dims.Should().Equal(32_768, 32);
    }

    [Test]
    public void Qwen25HalfB_Int4Graph_QuantizesEveryLinearAndSharesTheEmbedding()
    {
        var model = TransformerGraphWriter.Build(ModelPreset.Qwen25HalfB, ModelPrecision.Int4, Vocab, seed: 1, data: null);
        var nodes = model.Graph.Node;

        nodes.Count(n => n.OpType == "MatMulNBits").Should().Be((24 * 5) + 1);
        nodes.Count(n => n.OpType == "GroupQueryAttention").Should().Be(24);
        var gqa = nodes.First(n => n.OpType == "GroupQueryAttention");
        gqa.Attribute.Single(a => a.Name == "num_heads").I.Should().Be(14);
        gqa.Attribute.Single(a => a.Name == "kv_num_heads").I.Should().Be(2);
        model.Graph.Initializer.Single(t => t.Name == "lm_head.MatMul.weight_Q4").Dims.Should().Equal(Vocab, 28, 16);
        model.Graph.Initializer.Single(t => t.Name == "model.embed_tokens.weight_Q4").Dims.Should().Equal(Vocab, 448);
        model.Graph.Output.Single(o => o.Name == "logits").Type.TensorType.Shape.Dim[2].DimValue.Should().Be(Vocab);
    }

    /// <summary>Writes the full int4 folder (≈ 320 MB, ≈ 20 s) and decodes with ONNX Runtime GenAI; run by name only.</summary>
    [Test]
    [Explicit("writes 320 MB and takes about half a minute")]
    public void Qwen25HalfB_Int4_GenAiDecodesBatch()
    {
        var directory = Path.Combine(Path.GetTempPath(), "slm-qwen-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            ModelFolderWriter.Write(directory, ModelPreset.Qwen25HalfB, seed: 42);
            using var model = new GenAiModel(directory);
            using var tokenizer = new Tokenizer(model);
            using var parameters = new GeneratorParams(model);
            parameters.SetSearchOption("batch_size", 2);
            parameters.SetSearchOption("max_length", 48);
            parameters.SetSearchOption("min_length", 48);
            using var generator = new Generator(model, parameters);
            using var sequences = tokenizer.EncodeBatch(["Hello", "The quick brown fox jumps over the lazy dog"]);
            generator.AppendTokenSequences(sequences);

            for (var i = 0; i < 8; i++)
            {
                generator.GenerateNextToken();
            }

            // Rows past the tokenizer's vocabulary are zero, so greedy picks only ids the tokenizer can decode.
            var tokenizerSize = tokenizer.Encode("<|eot_id|>")[0][0] + 1;
            for (var row = 0UL; row < 2; row++)
            {
                generator.GetSequence(row).ToArray()[^8..].Should().OnlyContain(id => id < tokenizerSize);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
