using SlmFleet.Worker.Onnx.Proto;
using DataType = SlmFleet.Worker.Onnx.Proto.TensorProto.Types.DataType;

namespace SlmFleet.Worker.ModelBuilder;

/// <summary>
/// Builds a pre-norm decoder-only transformer from standard ONNX ops (opset 17), with the input and
/// output names of ONNX Runtime GenAI exports: input_ids, attention_mask, position_ids,
/// past_key_values.N.key/value → logits, present.N.key/value.
/// </summary>
/// <remarks>
/// Attention bias = padding bias (attention_mask = 0 → −1e9) + causal bias. The causal bias is
/// computed from the shapes, so the same graph serves prefill (S = prompt length, no past) and
/// decode (S = 1, past of T − 1): query i sits at absolute position (T − S) + i and may see key j
/// only when j ≤ that position. −1e9 rather than −inf keeps fully padded rows finite.
/// </remarks>
internal static class TransformerGraphWriter
{
    private const float NegativeBig = -1e9f;

    public static ModelProto Build(ModelPreset preset, int vocabSize, int seed)
    {
        var g = new OnnxGraphBuilder();
        var weights = new WeightGenerator(seed);
        int h = preset.Hidden, heads = preset.Heads, d = preset.HeadSize;

        g.Input("input_ids", DataType.Int64, "batch_size", "sequence_length");
        g.Input("attention_mask", DataType.Int64, "batch_size", "total_sequence_length");
        g.Input("position_ids", DataType.Int64, "batch_size", "sequence_length");
        for (var i = 0; i < preset.Layers; i++)
        {
            g.Input($"past_key_values.{i}.key", DataType.Float, "batch_size", heads, "past_sequence_length", d);
            g.Input($"past_key_values.{i}.value", DataType.Float, "batch_size", heads, "past_sequence_length", d);
        }

        g.Output("logits", DataType.Float, "batch_size", "sequence_length", vocabSize);
        for (var i = 0; i < preset.Layers; i++)
        {
            g.Output($"present.{i}.key", DataType.Float, "batch_size", heads, "total_sequence_length", d);
            g.Output($"present.{i}.value", DataType.Float, "batch_size", heads, "total_sequence_length", d);
        }

        var embedTokens = g.FloatTensor("model.embed_tokens.weight", [vocabSize, h], weights.Normal(vocabSize * h, 1f)).Name;
        var embedPositions = g.FloatTensor("model.embed_positions.weight", [preset.ContextLength, h], weights.Normal(preset.ContextLength * h, 0.5f)).Name;
        var x = g.Op("Add", [g.Op("Gather", [embedTokens, "input_ids"]), g.Op("Gather", [embedPositions, "position_ids"])]);

        var bias = AttentionBias(g);
        var headShape = g.Int64Constant("shape_heads", 0, 0, heads, d);
        var mergedShape = g.Int64Constant("shape_merged", 0, 0, h);
        var scale = g.FloatScalar("attention_scale", 1f / MathF.Sqrt(d));

        for (var layer = 0; layer < preset.Layers; layer++)
        {
            x = Layer(g, weights, preset, layer, x, bias, headShape, mergedShape, scale);
        }

        var final = LayerNorm(g, weights, "model.norm", x, h);
        var lmHead = g.FloatTensor("lm_head.weight", [h, vocabSize], weights.Normal(h * vocabSize, 3f / MathF.Sqrt(h))).Name;
        g.OpNamed("MatMul", [final, lmHead], "logits");

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "slm-worker make-model",
            ProducerVersion = "1",
            Graph = g.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        return model;
    }

    private static string AttentionBias(OnnxGraphBuilder g)
    {
        var zero = g.Int64Scalar("const_zero", 0);
        var one = g.Int64Scalar("const_one", 1);
        var oneF = g.FloatScalar("const_one_f", 1f);
        var negBig = g.FloatScalar("const_neg_big", NegativeBig);
        var axes12 = g.Int64Constant("axes_1_2", 1, 2);
        var axes1 = g.Int64Constant("axes_1", 1);

        var maskF = g.Op("Cast", ["attention_mask"], OnnxGraphBuilder.Int("to", (long)DataType.Float));
        var padBias = g.Op("Mul", [g.Op("Sub", [oneF, maskF]), negBig]);
        var padBias4 = g.Op("Unsqueeze", [padBias, axes12]);

        var s = g.Op("Gather", [g.Op("Shape", ["input_ids"]), one]);
        var t = g.Op("Gather", [g.Op("Shape", ["attention_mask"]), one]);
        var pastLength = g.Op("Sub", [t, s]);
        var keyIndex = g.Op("Range", [zero, t, one]);
        var queryIndex = g.Op("Add", [g.Op("Range", [zero, s, one]), pastLength]);
        var future = g.Op("Less", [g.Op("Unsqueeze", [queryIndex, axes1]), keyIndex]);
        var causalBias = g.Op("Mul", [g.Op("Cast", [future], OnnxGraphBuilder.Int("to", (long)DataType.Float)), negBig]);
        return g.Op("Add", [padBias4, causalBias]);
    }

    private static string Layer(
        OnnxGraphBuilder g, WeightGenerator weights, ModelPreset preset, int layer, string x,
        string bias, string headShape, string mergedShape, string scale)
    {
        int h = preset.Hidden, f = preset.FeedForward;
        var prefix = $"model.layers.{layer}";
        var projection = 1f / MathF.Sqrt(h);

        var normed = LayerNorm(g, weights, $"{prefix}.input_layernorm", x, h);
        string Heads(string name) => g.Op("Transpose", [
            g.Op("Reshape", [g.Op("MatMul", [normed, g.FloatTensor($"{prefix}.self_attn.{name}.weight", [h, h], weights.Normal(h * h, projection)).Name]), headShape])],
            OnnxGraphBuilder.Ints("perm", 0, 2, 1, 3));

        var q = Heads("q_proj");
        var k = Heads("k_proj");
        var v = Heads("v_proj");
        var presentKey = $"present.{layer}.key";
        var presentValue = $"present.{layer}.value";
        g.OpNamed("Concat", [$"past_key_values.{layer}.key", k], presentKey, OnnxGraphBuilder.Int("axis", 2));
        g.OpNamed("Concat", [$"past_key_values.{layer}.value", v], presentValue, OnnxGraphBuilder.Int("axis", 2));

        var keyT = g.Op("Transpose", [presentKey], OnnxGraphBuilder.Ints("perm", 0, 1, 3, 2));
        var scores = g.Op("Add", [g.Op("Mul", [g.Op("MatMul", [q, keyT]), scale]), bias]);
        var probs = g.Op("Softmax", [scores], OnnxGraphBuilder.Int("axis", -1));
        var context = g.Op("Reshape", [
            g.Op("Transpose", [g.Op("MatMul", [probs, presentValue])], OnnxGraphBuilder.Ints("perm", 0, 2, 1, 3)),
            mergedShape]);
        var attention = g.Op("MatMul", [context, g.FloatTensor($"{prefix}.self_attn.o_proj.weight", [h, h], weights.Normal(h * h, projection)).Name]);
        x = g.Op("Add", [x, attention]);

        var normed2 = LayerNorm(g, weights, $"{prefix}.post_attention_layernorm", x, h);
        var up = g.Op("MatMul", [normed2, g.FloatTensor($"{prefix}.mlp.up_proj.weight", [h, f], weights.Normal(h * f, projection)).Name]);
        var activated = g.Op("Mul", [up, g.Op("Sigmoid", [up])]);
        var down = g.Op("MatMul", [activated, g.FloatTensor($"{prefix}.mlp.down_proj.weight", [f, h], weights.Normal(f * h, 1f / MathF.Sqrt(f))).Name]);
        return g.Op("Add", [x, down]);
    }

    private static string LayerNorm(OnnxGraphBuilder g, WeightGenerator weights, string name, string x, int h)
    {
        var scale = g.FloatTensor($"{name}.weight", [h], weights.Constant(h, 1f)).Name;
        var shift = g.FloatTensor($"{name}.bias", [h], weights.Constant(h, 0f)).Name;
        return g.Op("LayerNormalization", [x, scale, shift], OnnxGraphBuilder.Int("axis", -1), OnnxGraphBuilder.Float("epsilon", 1e-5f));
    }
}
