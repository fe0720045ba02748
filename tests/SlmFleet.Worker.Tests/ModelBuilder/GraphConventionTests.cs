using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SlmFleet.Worker.ModelBuilder;
using SlmFleet.Worker.Onnx.Proto;

namespace SlmFleet.Worker.Tests.ModelBuilder;

/// <summary>The written graph has the official builder's inputs, outputs and fused operators, and plain ONNX Runtime runs it.</summary>
[TestFixture]
public sealed class GraphConventionTests
{
    [TestCase("Fp32")]
    [TestCase("Int4")]
    [TestCase("Fp16")]
    public void Write_Tiny_HasBuilderInputsOutputsAndOperators(string precisionName)
    {
        var precision = Enum.Parse<ModelPrecision>(precisionName);
        var graph = Load(precision).Graph;
        var ops = graph.Node.Select(n => n.OpType).ToList();

        graph.Input.Select(i => i.Name).Should().Equal(
            "input_ids", "attention_mask",
            "past_key_values.0.key", "past_key_values.1.key", "past_key_values.0.value", "past_key_values.1.value");
        graph.Output.Select(o => o.Name).Should().Equal(
            "logits", "present.0.key", "present.1.key", "present.0.value", "present.1.value");
        ops.Count(o => o == "GroupQueryAttention").Should().Be(2);
        ops.Count(o => o == "SkipSimplifiedLayerNormalization").Should().Be(4);
        ops.Count(o => o == "SimplifiedLayerNormalization").Should().Be(1);
        ops.Should().Contain(["ReduceSum", "Shape", "Sigmoid"]);
        ops.Should().NotContain(["LayerNormalization", "Concat", "Softmax", "RotaryEmbedding"]);

        var gqa = graph.Node.First(n => n.OpType == "GroupQueryAttention");
        gqa.Domain.Should().Be("com.microsoft");
        Attribute(gqa, "num_heads").I.Should().Be(4);
        Attribute(gqa, "kv_num_heads").I.Should().Be(2);
        Attribute(gqa, "do_rotary").I.Should().Be(1);
        Attribute(gqa, "scale").F.Should().Be(0.25f);
        gqa.Input.Should().Contain(["cos_cache", "sin_cache"]);

        var pastKey = graph.Input.Single(i => i.Name == "past_key_values.0.key").Type.TensorType;
        pastKey.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Should().Equal("batch_size", "2", "past_sequence_length", "kv_cache_dim");
        var floatType = precision == ModelPrecision.Fp16 ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float;
        pastKey.ElemType.Should().Be((int)floatType);
        graph.Output.Single(o => o.Name == "logits").Type.TensorType.ElemType.Should().Be((int)floatType);
    }

    [Test]
    public void Write_Int4_LinearsAreMatMulNBits_EmbeddingReadsTheSameBlocks()
    {
        var graph = Load(ModelPrecision.Int4).Graph;

        graph.Node.Count(n => n.OpType == "MatMulNBits").Should().Be(11, "qkv, o, gate, up, down per layer and the lm_head");
        graph.Node.Should().NotContain(n => n.OpType == "MatMul");
        var lmHead = graph.Node.Single(n => n.Name == "/lm_head/MatMul_Q4");
        Attribute(lmHead, "bits").I.Should().Be(4);
        Attribute(lmHead, "block_size").I.Should().Be(32);
        Attribute(lmHead, "accuracy_level").I.Should().Be(4);
        lmHead.Input.Should().HaveCount(3, "symmetric: scales and no zero points");
        graph.Node.Single(n => n.OpType == "GatherBlockQuantized").Input[0].Should().Be("model.embed_tokens.weight_Q4");
    }

    [Test]
    public void Write_Fp16_EveryFloatInitializerIsHalf()
    {
        var graph = Load(ModelPrecision.Fp16).Graph;

        graph.Initializer.Should().OnlyContain(t => t.DataType == (int)TensorProto.Types.DataType.Float16);
        graph.Node.Count(n => n.OpType == "Cast").Should().Be(2, "only the attention-mask casts, as in the builder's fp16 export");
    }

    [TestCase("Fp32")]
    [TestCase("Int4")]
    public void InferenceSession_Prefill_ReturnsLogitsAndPresentForEveryPosition(string precisionName)
    {
        var precision = Enum.Parse<ModelPrecision>(precisionName);
        using var session = new InferenceSession(Path.Combine(GeneratedModels.Directory(precision), "model.onnx"));
        const int tokens = 5;
        var vocab = session.OutputMetadata["logits"].Dimensions[2];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(new long[] { 10, 20, 30, 40, 50 }, [1, tokens])),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Enumerable.Repeat(1L, tokens).ToArray(), [1, tokens])),
        };
        foreach (var name in session.InputMetadata.Keys.Where(n => n.StartsWith("past_", StringComparison.Ordinal)))
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>([1, 2, 0, 16])));
        }

        using var results = session.Run(inputs);

        var logits = results.Single(r => r.Name == "logits").AsTensor<float>();
        logits.Dimensions.ToArray().Should().Equal(1, tokens, vocab);
        logits.ToArray().Should().OnlyContain(v => float.IsFinite(v));
        logits.ToArray().Max().Should().BeGreaterThan(logits.ToArray().Min() + 1f, "random weights should give spread-out logits");
        results.Single(r => r.Name == "present.1.value").AsTensor<float>().Dimensions.ToArray().Should().Equal(1, 2, tokens, 16);
    }

    [Test]
    public void Int4_GatherBlockQuantizedEmbedding_AgreesWithFloatEmbedding()
    {
        // Same weights, embedding read from the shared 4-bit blocks or from the unquantized values: only quantization
        // noise apart. A wrong nibble order or scale layout would scramble every embedding and decorrelate the logits.
        var unshared = Path.Combine(Path.GetTempPath(), "slm-int4-unshared-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(unshared);
            var vocab = (int)Load(ModelPrecision.Int4).Graph.Output[0].Type.TensorType.Shape.Dim[2].DimValue;
            Onnx.Proto.ModelProto model;
            using (var data = new ExternalDataWriter(Path.Combine(unshared, "model.onnx.data")))
            {
                model = TransformerGraphWriter.Build(ModelPreset.Tiny, ModelPrecision.Int4, vocab, seed: 7, data, shareInt4Embedding: false);
            }

            File.WriteAllBytes(Path.Combine(unshared, "model.onnx"), Google.Protobuf.MessageExtensions.ToByteArray(model));
            model.Graph.Node.Should().NotContain(n => n.OpType == "GatherBlockQuantized");

            var shared = Prefill(Path.Combine(GeneratedModels.Directory(ModelPrecision.Int4), "model.onnx"));
            var plain = Prefill(Path.Combine(unshared, "model.onnx"));

            Correlation(shared, plain).Should().BeGreaterThan(0.9);
        }
        finally
        {
            Directory.Delete(unshared, recursive: true);
        }
    }

    [Test]
    public void Write_Fp16_InferenceSessionLoads()
    {
        using var session = new InferenceSession(Path.Combine(GeneratedModels.Directory(ModelPrecision.Fp16), "model.onnx"));

        session.OutputMetadata["logits"].ElementDataType.Should().Be(TensorElementType.Float16);
    }

    private static float[] Prefill(string modelPath)
    {
        using var session = new InferenceSession(modelPath);
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(new long[] { 10, 20, 30, 40, 50 }, [1, 5])),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(new long[] { 1, 1, 1, 1, 1 }, [1, 5])),
        };
        foreach (var name in session.InputMetadata.Keys.Where(n => n.StartsWith("past_", StringComparison.Ordinal)))
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>([1, 2, 0, 16])));
        }

        using var results = session.Run(inputs);
        return results.Single(r => r.Name == "logits").AsTensor<float>().ToArray();
    }

    private static double Correlation(float[] a, float[] b)
    {
        double meanA = a.Average(), meanB = b.Average(), ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            ab += (a[i] - meanA) * (b[i] - meanB);
            aa += (a[i] - meanA) * (a[i] - meanA);
            bb += (b[i] - meanB) * (b[i] - meanB);
        }

        return ab / Math.Sqrt(aa * bb);
    }

    private static ModelProto Load(ModelPrecision precision)
        => ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(GeneratedModels.Directory(precision), "model.onnx")));

    private static AttributeProto Attribute(NodeProto node, string name) => node.Attribute.Single(a => a.Name == name);
}
