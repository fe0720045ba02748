using SlmFleet.Worker.ModelBuilder;

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
}
