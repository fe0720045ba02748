using SlmFleet.Worker.Onnx.Scan;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// What the decoder graph is made of, read from model.onnx itself: which attention operator it
/// uses and each GroupQueryAttention's window. ONNX Runtime's session metadata shows inputs and
/// outputs only, and the attention convention (shared KV buffer or Concat) is decided by the ops.
/// </summary>
internal sealed record GraphScan(int GroupQueryAttention, int MultiHeadAttention, int MatMulNBits, int GatherBlockQuantized, IReadOnlyList<long> LocalWindowSizes, IReadOnlySet<string> OpTypes)
{
    private static readonly Google.Protobuf.MessageParser<ScanModel> Parser = ScanModel.Parser.WithDiscardUnknownFields(true);

    public static GraphScan Read(string modelPath)
    {
        ScanModel model;
        using (var stream = File.OpenRead(modelPath))
        {
            model = Parser.ParseFrom(stream);
        }

        var nodes = model.Graph?.Node ?? [];
        var windows = nodes.Where(n => n.OpType == "GroupQueryAttention")
            .Select(n => n.Attribute.FirstOrDefault(a => a.Name == "local_window_size")?.I ?? -1)
            .ToList();
        return new GraphScan(
            nodes.Count(n => n.OpType == "GroupQueryAttention"),
            nodes.Count(n => n.OpType is "MultiHeadAttention" or "Attention"),
            nodes.Count(n => n.OpType == "MatMulNBits"),
            nodes.Count(n => n.OpType == "GatherBlockQuantized"),
            windows,
            nodes.Select(n => n.OpType).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>One line for the startup log: the ops that decide how the engine drives the graph.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (GroupQueryAttention > 0)
        {
            parts.Add($"GroupQueryAttention x{GroupQueryAttention}");
        }

        if (MultiHeadAttention > 0)
        {
            parts.Add($"MultiHeadAttention x{MultiHeadAttention}");
        }

        if (MatMulNBits > 0)
        {
            parts.Add($"MatMulNBits x{MatMulNBits}");
        }

        if (GatherBlockQuantized > 0)
        {
            parts.Add($"GatherBlockQuantized x{GatherBlockQuantized}");
        }

        return parts.Count == 0 ? "standard ONNX ops" : string.Join(", ", parts);
    }
}
