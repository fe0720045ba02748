using Microsoft.ML.OnnxRuntime;
using SlmFleet.Worker.Model;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// One ONNX Runtime session over a GenAI-layout decoder. Runs forward passes over a left-padded
/// batch with a KV cache; the present tensors ORT returns are fed back as the next past unchanged.
/// Not thread-safe: the scheduler thread is its only caller.
/// </summary>
internal sealed class InferenceEngine : IDisposable
{
    private readonly InferenceSession _session;
    private readonly GenAiConfig _config;
    private readonly string[] _outputNames;
    private readonly bool _usesPositionIds;
    private readonly RunOptions _runOptions = new();

    public InferenceEngine(InferenceSession session, GenAiConfig config)
    {
        _session = session;
        _config = config;
        _usesPositionIds = config.PositionIdsName is not null && session.InputMetadata.ContainsKey(config.PositionIdsName);
        var outputs = new List<string> { config.LogitsName };
        for (var i = 0; i < config.Layers; i++)
        {
            outputs.Add(config.PresentKey(i));
            outputs.Add(config.PresentValue(i));
        }

        _outputNames = [.. outputs];
    }

    public GenAiConfig Config => _config;

    public KvCache EmptyCache(int batch) => KvCache.Empty(_config.Layers, batch, _config.KeyValueHeads, _config.HeadSize);

    /// <summary>
    /// Runs the model on <paramref name="inputIds"/> [batch, sequence] after <paramref name="past"/>.
    /// <paramref name="attentionMask"/> is [batch, past + sequence]; positions are [batch, sequence].
    /// </summary>
    public ModelOutput Forward(long[] inputIds, long[] attentionMask, long[] positionIds, int batch, int sequence, KvCache past)
    {
        var total = past.Length + sequence;
        var names = new List<string>(3 + (2 * _config.Layers));
        var values = new List<OrtValue>(names.Capacity);
        using var ids = OrtValue.CreateTensorValueFromMemory(inputIds, [batch, sequence]);
        using var mask = OrtValue.CreateTensorValueFromMemory(attentionMask, [batch, total]);
        using var positions = OrtValue.CreateTensorValueFromMemory(positionIds, [batch, sequence]);
        names.Add(_config.InputIdsName);
        values.Add(ids);
        names.Add(_config.AttentionMaskName);
        values.Add(mask);
        if (_usesPositionIds)
        {
            names.Add(_config.PositionIdsName!);
            values.Add(positions);
        }

        for (var i = 0; i < _config.Layers; i++)
        {
            names.Add(_config.PastKey(i));
            values.Add(past.Keys[i]);
            names.Add(_config.PastValue(i));
            values.Add(past.Values[i]);
        }

        var outputs = _session.Run(_runOptions, names, values, _outputNames);
        var keys = new OrtValue[_config.Layers];
        var vals = new OrtValue[_config.Layers];
        for (var i = 0; i < _config.Layers; i++)
        {
            keys[i] = outputs[1 + (2 * i)];
            vals[i] = outputs[2 + (2 * i)];
        }

        var vocab = (int)outputs[0].GetTensorTypeAndShape().Shape[^1];
        return new ModelOutput(outputs, outputs[0], new KvCache(keys, vals, batch, total), sequence, vocab);
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
