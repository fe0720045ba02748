using System.Globalization;
using SlmFleet.Bench.Worker.Onnx;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// What model.onnx says about the bytes a decode step must read: every initializer except those only
/// gathered from (an embedding table is read one row per token, not whole: counting Qwen2.5-0.5B's
/// 151,936-row table would double the figure), and the element size of the KV cache inputs.
/// </summary>
internal sealed record OnnxWeights(long FileBytes, long StreamedBytes, long GatheredBytes, int KvElementBytes)
{
    public static OnnxWeights Read(string modelDirectory)
    {
        var modelPath = Path.Combine(modelDirectory, "model.onnx");
        ModelProto model;
        using (var stream = File.OpenRead(modelPath))
        {
            model = ModelProto.Parser.ParseFrom(stream);
        }

        var fileBytes = Directory.EnumerateFiles(modelDirectory, "model.onnx*").Sum(f => new FileInfo(f).Length);
        var graph = model.Graph;
        var consumers = graph.Node
            .SelectMany(n => n.Input.Select(input => (Input: input, n.OpType)))
            .ToLookup(x => x.Input, x => x.OpType, StringComparer.Ordinal);
        long streamed = 0, gathered = 0;
        foreach (var tensor in graph.Initializer)
        {
            var bytes = Bytes(tensor);
            var ops = consumers[tensor.Name].ToList();
            if (ops.Count > 0 && ops.All(op => op is "Gather" or "GatherBlockQuantized"))
            {
                gathered += bytes;
            }
            else
            {
                streamed += bytes;
            }
        }

        var kv = graph.Input.FirstOrDefault(i => i.Name.StartsWith("past_key_values.", StringComparison.Ordinal));
        return new OnnxWeights(fileBytes, streamed, gathered, ElementBytes(kv?.Type?.TensorType?.ElemType ?? 1));
    }

    private static long Bytes(TensorProto tensor)
    {
        if (tensor.ExternalData.FirstOrDefault(e => e.Key == "length") is { } length)
        {
            return long.Parse(length.Value, CultureInfo.InvariantCulture);
        }

        return tensor.HasRawData
            ? tensor.RawData.Length
            : tensor.Dims.Aggregate(1L, (a, d) => a * d) * ElementBytes(tensor.DataType);
    }

    // TensorProto.DataType numbers from onnx.proto; 4-bit types round up to a byte (rare as initializers).
    private static int ElementBytes(int dataType) => dataType switch
    {
        1 or 6 or 12 => 4, // float, int32, uint32
        10 or 16 or 4 or 5 => 2, // float16, bfloat16, uint16, int16
        2 or 3 or 9 => 1, // uint8, int8, bool
        7 or 11 or 13 => 8, // int64, double, uint64
        _ => 1,
    };
}
