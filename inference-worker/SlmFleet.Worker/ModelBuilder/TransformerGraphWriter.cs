using SlmFleet.Worker.Onnx.Proto;
using DataType = SlmFleet.Worker.Onnx.Proto.TensorProto.Types.DataType;

namespace SlmFleet.Worker.ModelBuilder;

/// <summary>
/// Builds the decoder graph that the official onnxruntime-genai model builder writes for Qwen2/Llama-style
/// models on CPU (opsets ai.onnx 21 + com.microsoft 1), node for node as the fixtures in
/// shared/fixtures/models (qwen2-gqa-fp32, -int4, -fp16):
/// <code>
/// attention_mask ─ReduceSum(axis 1)−1→Cast int32 = seqlens_k     Shape[1]→Cast int32 = total_sequence_length
/// input_ids ─Gather(embedding)─┬─SimplifiedLayerNorm─MatMul qkv(+bias Add)─GroupQueryAttention(rotary)─MatMul o─┐
///                              └──────────────────── residual ──────────────────────────────────────────────────┴─SkipSimplifiedLayerNorm─┐
///    ┌─ MatMul gate ─Sigmoid·─┐                                                                                                       │
///    ├─ MatMul up ────────────×─MatMul down─ SkipSimplifiedLayerNorm (next layer's input norm, or the final norm) ─ … ─ MatMul lm_head → logits
/// </code>
/// GroupQueryAttention appends the new keys/values to past_key_values.N.* and returns present.N.*; it takes
/// the past and present in one buffer when ONNX Runtime GenAI binds them together (past_present_share_buffer).
/// </summary>
internal static class TransformerGraphWriter
{
    private const float Epsilon = 1e-6f;

    /// <summary>Normal init std of every matrix and bias, as the fixtures' HF models (std 0.08): logits of a few units, not degenerate.</summary>
    private const float InitStd = 0.08f;

    private const string SeqlensK = "/model/attn_mask_reformat/attn_mask_subgraph/Sub/Cast/output_0";
    private const string TotalSequenceLength = "/model/attn_mask_reformat/attn_mask_subgraph/Gather/Cast/output_0";

    /// <summary>Builds the graph; with no <paramref name="data"/> it declares the initializers' shapes only and generates no weight.</summary>
    /// <remarks>
    /// shareInt4Embedding: tied int4 embeddings read the lm_head's 4-bit blocks through GatherBlockQuantized, the builder's default, which
    /// ONNX Runtime 1.32 (and GenAI 0.20) load and run; the fixtures, made for 1.31, could not. When false, the embedding
    /// is a float Gather of the unquantized values, as the builder's <c>shared_embeddings=false</c> (fixture qwen2-gqa-int4).
    /// </remarks>
    public static ModelProto Build(
        ModelPreset preset, ModelPrecision precision, int vocabSize, int seed, ExternalDataWriter? data, bool shareInt4Embedding = true, int? tokenizerSize = null)
    {
        var g = new OnnxGraphBuilder();
        var store = new WeightStore(g, precision, data);
        var weights = new WeightGenerator(seed);
        DeclareInputsAndOutputs(g, preset, store.FloatType, vocabSize);
        AttentionMaskSubgraph(g);

        var (hidden, lmHead) = Embedding(g, store, weights, preset, vocabSize, shareInt4Embedding, tokenizerSize ?? vocabSize);
        var (cos, sin) = RotaryCache.Build(data is null ? 0 : preset.ContextLength, preset.HeadSize, preset.RopeTheta);
        store.Float("cos_cache", [preset.ContextLength, preset.HeadSize / 2], () => cos);
        store.Float("sin_cache", [preset.ContextLength, preset.HeadSize / 2], () => sin);

        string? residual = null;
        string? down = null;
        for (var layer = 0; layer < preset.Layers; layer++)
        {
            var prefix = $"/model/layers.{layer}";
            var (normed, layerInput) = residual is null
                ? (SimplifiedNorm(g, store, weights, preset, $"{prefix}/input_layernorm", hidden), hidden)
                : SkipNorm(g, store, weights, preset, $"{prefix}/input_layernorm", residual, down!);
            (residual, down) = DecoderLayer(g, store, weights, preset, layer, normed, layerInput);
        }

        var (final, _) = SkipNorm(g, store, weights, preset, $"/model/layers.{preset.Layers}/final_norm_layernorm", residual!, down!, keepResidual: false);
        lmHead ??= Linear(g, store, "lm_head", vocabSize, preset.Hidden, () => weights.Normal(vocabSize * preset.Hidden, InitStd), "logits");
        lmHead(final);

        var model = new ModelProto { IrVersion = 10, ProducerName = "slm-worker make-model", ProducerVersion = "2", Graph = g.Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 21 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxGraphBuilder.MicrosoftDomain, Version = 1 });
        return model;
    }

    private static void DeclareInputsAndOutputs(OnnxGraphBuilder g, ModelPreset preset, DataType floatType, int vocabSize)
    {
        g.Input("input_ids", DataType.Int64, "batch_size", "sequence_length");
        g.Input("attention_mask", DataType.Int64, "batch_size", "total_sequence_length");

        // The builder lists every layer's keys, then every layer's values; head_size stays symbolic (kv_cache_dim) as in its exports.
        foreach (var kind in new[] { "key", "value" })
        {
            for (var i = 0; i < preset.Layers; i++)
            {
                g.Input($"past_key_values.{i}.{kind}", floatType, "batch_size", preset.KvHeads, "past_sequence_length", "kv_cache_dim");
            }
        }

        g.Output("logits", floatType, "batch_size", "sequence_length", vocabSize);
        foreach (var kind in new[] { "key", "value" })
        {
            for (var i = 0; i < preset.Layers; i++)
            {
                g.Output($"present.{i}.{kind}", floatType, "batch_size", preset.KvHeads, "total_sequence_length", "kv_cache_dim");
            }
        }
    }

    /// <summary>GroupQueryAttention's seqlens_k = (valid tokens per row) − 1 and total_sequence_length = mask width, both int32.</summary>
    private static void AttentionMaskSubgraph(OnnxGraphBuilder g)
    {
        const string prefix = "/model/attn_mask_reformat/attn_mask_subgraph";
        var axis = g.Int64Constant("[1]", [1], 1);
        var sum = g.Node("ReduceSum", $"{prefix}/ReduceSum", ["attention_mask", axis], OnnxGraphBuilder.Int("keepdims", 0));
        var last = g.Node("Sub", $"{prefix}/Sub", [sum, axis]);
        g.Node("Cast", $"{prefix}/Sub/Cast", [last], OnnxGraphBuilder.Int("to", (long)DataType.Int32));
        var shape = g.Node("Shape", $"{prefix}/Shape", ["attention_mask"]);
        var one = g.Int64Constant("1", null, 1);
        var width = g.Node("Gather", $"{prefix}/Gather", [shape, one], OnnxGraphBuilder.Int("axis", 0));
        g.Node("Cast", $"{prefix}/Gather/Cast", [width], OnnxGraphBuilder.Int("to", (long)DataType.Int32));
    }

    /// <summary>
    /// The embedding lookup, and for tied weights the lm_head made from the same values (HF [vocab, hidden] is the
    /// lm_head's [N, K]). Generated first, as it is the first module of the model.
    /// </summary>
    private static (string Hidden, Func<string, string>? LmHead) Embedding(
        OnnxGraphBuilder g, WeightStore store, WeightGenerator weights, ModelPreset preset, int vocabSize, bool shareInt4Embedding, int tokenRows)
    {
        int h = preset.Hidden;
        float[]? cached = null;
        float[] Values()
        {
            if (cached is null)
            {
                cached = new float[vocabSize * h];
                weights.Normal(Math.Min(tokenRows, vocabSize) * h, InitStd).CopyTo(cached, 0);
            }

            return cached;
        }

        const string gather = "/model/embed_tokens/Gather";

        if (!preset.TiedEmbeddings)
        {
            var table = store.Float("model.embed_tokens.weight", [vocabSize, h], Values);
            return (g.Node("Gather", gather, [table.Name, "input_ids"]), null);
        }

        if (store.Precision != ModelPrecision.Int4)
        {
            // The builder stores one [hidden, vocab] lm_head weight and gathers rows of its transpose.
            var weight = store.Float("lm_head.MatMul.weight", [h, vocabSize], () => TensorBytes.Transpose(Values(), vocabSize, h));
            var transposed = g.Node("Transpose", "/model/embed_tokens/Transpose", [weight.Name], OnnxGraphBuilder.Ints("perm", 1, 0));
            return (g.Node("Gather", gather, [transposed, "input_ids"]), input => MatMulNode(g, "lm_head", input, weight.Name, "logits"));
        }

        var (packed, scales) = store.Int4("lm_head.MatMul.weight", vocabSize, h, Values);
        string LmHead(string input) => MatMulNBitsNode(g, "lm_head", input, packed.Name, scales.Name, vocabSize, h, "logits");
        if (shareInt4Embedding && h % Int4BlockQuantizer.BlockSize == 0)
        {
            // The same bytes seen as GatherBlockQuantized wants them: uint8 [vocab, hidden/2], scales [vocab, blocks].
            var blocks = h / Int4BlockQuantizer.BlockSize;
            var data = store.Alias("model.embed_tokens.weight_Q4", packed, vocabSize, h / 2);
            var tableScales = store.Alias("model.embed_tokens.weight_scales", scales, vocabSize, blocks);
            var embedded = g.NodeWithOutputs(
                OnnxGraphBuilder.MicrosoftDomain, "GatherBlockQuantized", "/model/embed_tokens/GatherBlockQuantized",
                [data.Name, "input_ids", tableScales.Name], ["/model/embed_tokens/GatherBlockQuantized/output_0"],
                OnnxGraphBuilder.Int("bits", 4), OnnxGraphBuilder.Int("block_size", Int4BlockQuantizer.BlockSize),
                OnnxGraphBuilder.Int("gather_axis", 0), OnnxGraphBuilder.Int("quantize_axis", 1))[0];
            return (embedded, LmHead);
        }

        // shared_embeddings=false: a float embedding of the unquantized values beside the int4 lm_head (fixture qwen2-gqa-int4).
        var fallback = store.Float("model.embed_tokens.weight", [vocabSize, h], Values);
        return (g.Node("Gather", gather, [fallback.Name, "input_ids"]), LmHead);
    }

    /// <summary>One layer after its input norm; returns the residual stream and the MLP output the next norm adds to it.</summary>
    private static (string Residual, string Down) DecoderLayer(
        OnnxGraphBuilder g, WeightStore store, WeightGenerator weights, ModelPreset preset, int layer, string normed, string layerInput)
    {
        int h = preset.Hidden, d = preset.HeadSize, f = preset.FeedForward;
        var qkvRows = (preset.Heads + (2 * preset.KvHeads)) * d;
        var path = $"model/layers.{layer}";

        // q, k and v projections packed in one [qkv, hidden] weight, the builder's layout for GQA on CPU.
        var qkv = Linear(g, store, $"{path}/attn/qkv_proj", qkvRows, h, () => weights.Normal(qkvRows * h, InitStd))(normed);
        var bias = store.Float($"{path.Replace('/', '.')}.attn.qkv_proj.Add.bias", [qkvRows], () => weights.Normal(qkvRows, InitStd));
        qkv = g.Node("Add", $"/{path}/attn/qkv_proj/Add", [qkv, bias.Name]);

        var attention = g.NodeWithOutputs(
            OnnxGraphBuilder.MicrosoftDomain, "GroupQueryAttention", $"/{path}/attn/GroupQueryAttention",
            [qkv, string.Empty, string.Empty, $"past_key_values.{layer}.key", $"past_key_values.{layer}.value",
             SeqlensK, TotalSequenceLength, "cos_cache", "sin_cache", string.Empty, string.Empty, string.Empty],
            [$"/{path}/attn/GroupQueryAttention/output_0", $"present.{layer}.key", $"present.{layer}.value"],
            OnnxGraphBuilder.Int("num_heads", preset.Heads), OnnxGraphBuilder.Int("kv_num_heads", preset.KvHeads),
            OnnxGraphBuilder.Float("scale", 1f / MathF.Sqrt(d)), OnnxGraphBuilder.Float("softcap", 0f),
            OnnxGraphBuilder.Int("do_rotary", 1), OnnxGraphBuilder.Int("rotary_interleaved", 0))[0];
        var projected = Linear(g, store, $"{path}/attn/o_proj", h, h, () => weights.Normal(h * h, InitStd))(attention);

        var (mlpInput, residual) = SkipNorm(g, store, weights, preset, $"/{path}/post_attention_layernorm", layerInput, projected);
        var gate = Linear(g, store, $"{path}/mlp/gate_proj", f, h, () => weights.Normal(f * h, InitStd))(mlpInput);
        var up = Linear(g, store, $"{path}/mlp/up_proj", f, h, () => weights.Normal(f * h, InitStd))(mlpInput);
        var sigmoid = g.Node("Sigmoid", $"/{path}/mlp/act_fn/Sigmoid", [gate]);
        var silu = g.Node("Mul", $"/{path}/mlp/act_fn/Mul", [gate, sigmoid]);
        var product = g.Node("Mul", $"/{path}/mlp/Mul", [silu, up]);
        var down = Linear(g, store, $"{path}/mlp/down_proj", h, f, () => weights.Normal(h * f, InitStd))(product);
        return (residual, down);
    }

    private static string SimplifiedNorm(OnnxGraphBuilder g, WeightStore store, WeightGenerator weights, ModelPreset preset, string path, string input)
    {
        var weight = NormWeight(store, weights, preset, path);
        return g.NodeWithOutputs(
            string.Empty, "SimplifiedLayerNormalization", $"{path}/LayerNorm", [input, weight], [$"{path}/output_0"],
            OnnxGraphBuilder.Float("epsilon", Epsilon), OnnxGraphBuilder.Int("axis", -1), OnnxGraphBuilder.Int("stash_type", 1))[0];
    }

    /// <summary>RMSNorm(residual + input): output 0 is the normed value, output 3 the new residual stream.</summary>
    private static (string Normed, string Residual) SkipNorm(
        OnnxGraphBuilder g, WeightStore store, WeightGenerator weights, ModelPreset preset, string path, string residual, string input, bool keepResidual = true)
    {
        var weight = NormWeight(store, weights, preset, path);
        IReadOnlyList<string> outputs = keepResidual ? [$"{path}/output_0", string.Empty, string.Empty, $"{path}/output_3"] : [$"{path}/output_0"];
        g.NodeWithOutputs(
            OnnxGraphBuilder.MicrosoftDomain, "SkipSimplifiedLayerNormalization", $"{path}/SkipLayerNorm",
            [residual, input, weight], outputs, OnnxGraphBuilder.Float("epsilon", Epsilon));
        return (outputs[0], keepResidual ? outputs[3] : string.Empty);
    }

    /// <summary>Norm weights keep HF's initial 1.0, as in the fixtures.</summary>
    private static string NormWeight(WeightStore store, WeightGenerator weights, ModelPreset preset, string path)
        => store.Float($"{path.TrimStart('/').Replace('/', '.')}.weight", [preset.Hidden], () => weights.Constant(preset.Hidden, 1f)).Name;

    /// <summary>Declares (and generates) an HF-layout [n, k] Linear and returns a function that applies it: MatMul, or MatMulNBits for int4.</summary>
    private static Func<string, string> Linear(
        OnnxGraphBuilder g, WeightStore store, string path, int n, int k, Func<float[]> values, string? output = null)
    {
        var name = $"{path.Replace('/', '.')}.MatMul.weight";
        output ??= $"/{path}/MatMul/output_0";
        if (store.Precision == ModelPrecision.Int4)
        {
            var (packed, scales) = store.Int4(name, n, k, values);
            return input => MatMulNBitsNode(g, path, input, packed.Name, scales.Name, n, k, output);
        }

        var weight = store.Float(name, [k, n], () => TensorBytes.Transpose(values(), n, k));
        return input => MatMulNode(g, path, input, weight.Name, output);
    }

    private static string MatMulNode(OnnxGraphBuilder g, string path, string input, string weight, string output)
        => g.NodeWithOutputs(string.Empty, "MatMul", $"/{path}/MatMul", [input, weight], [output])[0];

    private static string MatMulNBitsNode(OnnxGraphBuilder g, string path, string input, string packed, string scales, int n, int k, string output)
        => g.NodeWithOutputs(
            OnnxGraphBuilder.MicrosoftDomain, "MatMulNBits", $"/{path}/MatMul_Q4", [input, packed, scales], [output],
            OnnxGraphBuilder.Int("K", k), OnnxGraphBuilder.Int("N", n), OnnxGraphBuilder.Int("accuracy_level", 4),
            OnnxGraphBuilder.Int("bits", 4), OnnxGraphBuilder.Int("block_size", Int4BlockQuantizer.BlockSize))[0];
}
