using Microsoft.ML.OnnxRuntime;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// Past keys and values of a batch, one [batch, kv_heads, length, head_size] tensor per layer.
/// Rows are left-padded: every row's real tokens end at the last column.
/// </summary>
internal sealed class KvCache : IDisposable
{
    public KvCache(OrtValue[] keys, OrtValue[] values, int batch, int length)
    {
        Keys = keys;
        Values = values;
        Batch = batch;
        Length = length;
    }

    public OrtValue[] Keys { get; }

    public OrtValue[] Values { get; }

    public int Batch { get; }

    public int Length { get; }

    public static KvCache Empty(int layers, int batch, int kvHeads, int headSize)
    {
        var shape = new long[] { batch, kvHeads, 0, headSize };
        var keys = new OrtValue[layers];
        var values = new OrtValue[layers];
        for (var i = 0; i < layers; i++)
        {
            keys[i] = OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), shape);
            values[i] = OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), shape);
        }

        return new KvCache(keys, values, batch, 0);
    }

    /// <summary>
    /// Builds a new cache from rows of other caches: row i of the result takes the last
    /// <c>lengths[i]</c> columns of <c>sources[i]</c>'s row <c>sourceRows[i]</c>, left-padded with zeros.
    /// This is the only copy of the cache, and it happens only when the batch changes shape.
    /// </summary>
    public static KvCache Gather(IReadOnlyList<KvCache> sources, IReadOnlyList<int> sourceRows, IReadOnlyList<int> lengths, int kvHeads, int headSize)
    {
        var layers = sources[0].Keys.Length;
        var batch = sourceRows.Count;
        var length = lengths.Count == 0 ? 0 : lengths.Max();
        var keys = new OrtValue[layers];
        var values = new OrtValue[layers];
        for (var layer = 0; layer < layers; layer++)
        {
            keys[layer] = GatherLayer(sources, sourceRows, lengths, kvHeads, headSize, batch, length, c => c.Keys[layer]);
            values[layer] = GatherLayer(sources, sourceRows, lengths, kvHeads, headSize, batch, length, c => c.Values[layer]);
        }

        return new KvCache(keys, values, batch, length);
    }

    private static OrtValue GatherLayer(
        IReadOnlyList<KvCache> sources, IReadOnlyList<int> sourceRows, IReadOnlyList<int> lengths,
        int kvHeads, int headSize, int batch, int length, Func<KvCache, OrtValue> select)
    {
        var data = new float[batch * kvHeads * length * headSize];
        for (var row = 0; row < batch; row++)
        {
            var source = sources[row];
            var src = select(source).GetTensorDataAsSpan<float>();
            var take = lengths[row];
            for (var head = 0; head < kvHeads; head++)
            {
                var srcOffset = (((sourceRows[row] * kvHeads) + head) * source.Length + (source.Length - take)) * headSize;
                var dstOffset = (((row * kvHeads) + head) * length + (length - take)) * headSize;
                src.Slice(srcOffset, take * headSize).CopyTo(data.AsSpan(dstOffset, take * headSize));
            }
        }

        return OrtValue.CreateTensorValueFromMemory(data, [batch, kvHeads, length, headSize]);
    }

    public void Dispose()
    {
        foreach (var value in Keys)
        {
            value.Dispose();
        }

        foreach (var value in Values)
        {
            value.Dispose();
        }
    }
}
