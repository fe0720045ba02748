using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SlmFleet.Worker.Model;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// How the engine must drive one decoder graph, read from the graph and genai_config.json rather
/// than assumed. <see cref="Read"/> refuses, with a message naming the input, type or option, any
/// model the engine cannot serve exactly as ONNX Runtime GenAI would.
/// </summary>
internal sealed record ModelConventions(
    AttentionLayout Layout,
    bool HasPositionIds,
    TensorElementType KvType,
    TensorElementType LogitsType,
    int MaxSequenceLength,
    IReadOnlyList<int> LayerCapacity,
    int VocabSize,
    bool ChunkedPrefill,
    string Summary)
{
    /// <summary>CPU default of ONNX Runtime GenAI for sliding-window buffers when cache_slack is 0.</summary>
    private const int CpuSlidingCacheSlack = 16;

    public int KvElementBytes => ElementBytes(KvType);

    public int LogitsElementBytes => ElementBytes(LogitsType);

    public static int ElementBytes(TensorElementType type) => type switch
    {
        TensorElementType.Float => 4,
        TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a KV or logits type"),
    };

    /// <summary>Reads the conventions; <paramref name="maxSequenceLength"/> 0 means genai_config search.max_length (capped at context_length).</summary>
    public static ModelConventions Read(InferenceSession session, GenAiConfig config, string modelPath, int maxSequenceLength, bool onCuda)
    {
        var file = Path.GetFileName(modelPath);
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        Require(inputs.ContainsKey(config.InputIdsName), $"{file} has no input \"{config.InputIdsName}\" (genai_config.json model.decoder.inputs.input_ids); inputs are: {string.Join(", ", inputs.Keys)}");
        Require(inputs.ContainsKey(config.AttentionMaskName), $"{file} has no input \"{config.AttentionMaskName}\" (genai_config.json model.decoder.inputs.attention_mask); inputs are: {string.Join(", ", inputs.Keys)}");
        Require(outputs.ContainsKey(config.LogitsName), $"{file} has no output \"{config.LogitsName}\" (genai_config.json model.decoder.outputs.logits)");
        foreach (var name in new[] { config.InputIdsName, config.AttentionMaskName })
        {
            Require(inputs[name].ElementDataType == TensorElementType.Int64, $"{file}: input \"{name}\" is {inputs[name].ElementDataType}; this engine feeds int64 ids and masks (the builder's CPU/CUDA exports)");
        }

        var kvType = KvElementType(session, config, file);
        var logitsType = outputs[config.LogitsName].ElementDataType;
        Require(logitsType is TensorElementType.Float or TensorElementType.Float16 or TensorElementType.BFloat16, $"{file}: output \"{config.LogitsName}\" is {logitsType}; accepted: float32, float16, bfloat16");

        var positionIds = config.PositionIdsName ?? "position_ids";
        var hasPositionIds = inputs.ContainsKey(positionIds);
        var known = new HashSet<string>(StringComparer.Ordinal) { config.InputIdsName, config.AttentionMaskName, positionIds };
        for (var layer = 0; layer < config.Layers; layer++)
        {
            known.Add(config.PastKey(layer));
            known.Add(config.PastValue(layer));
        }

        var unknown = inputs.Keys.Where(k => !known.Contains(k)).ToList();
        Require(unknown.Count == 0, $"{file} has inputs this engine does not feed: {string.Join(", ", unknown)} (genai_config.json model.decoder.inputs names input_ids, attention_mask, position_ids and the past key/value patterns)");

        Require(config.Search.NumBeams <= 1, $"genai_config.json search.num_beams is {config.Search.NumBeams}; this engine decodes greedily or by sampling (num_beams 1)");
        var scan = GraphScan.Read(modelPath);
        var layout = scan.GroupQueryAttention > 0 ? AttentionLayout.SharedBuffer : AttentionLayout.Concat;
        if (layout == AttentionLayout.SharedBuffer)
        {
            Require(scan.GroupQueryAttention == config.Layers, $"{file} has {scan.GroupQueryAttention} GroupQueryAttention nodes but genai_config.json model.decoder.num_hidden_layers is {config.Layers}");
        }

        var contextLength = config.ContextLength;
        var max = maxSequenceLength > 0 ? Math.Min(maxSequenceLength, contextLength) : Math.Min(config.Search.MaxLength ?? contextLength, contextLength);
        var capacity = LayerCapacities(config, scan, layout, max, onCuda, file);
        var sliding = config.SlidingWindow is not null;
        var summary = $"{scan.Describe()}; KV {Describe(kvType)} {(layout == AttentionLayout.SharedBuffer ? "shared past/present buffer" : "Concat past/present")}"
            + $"{(hasPositionIds ? ", position_ids" : string.Empty)}; logits {Describe(logitsType)}; max sequence {max}"
            + (sliding ? $"; sliding window {config.SlidingWindow!.WindowSize} on layers [{string.Join(",", config.SlidingWindow.Layers)}]" : string.Empty);

        // A sliding-window buffer evicts by compaction as rows grow; a prompt split into chunks
        // would meet that eviction half-way, so those models prefill each prompt in one piece.
        return new ModelConventions(layout, hasPositionIds, kvType, logitsType, max, capacity, config.VocabSize, !sliding, summary);
    }

    private static TensorElementType KvElementType(InferenceSession session, GenAiConfig config, string file)
    {
        TensorElementType? kvType = null;
        for (var layer = 0; layer < config.Layers; layer++)
        {
            foreach (var (name, isInput) in new[] { (config.PastKey(layer), true), (config.PastValue(layer), true), (config.PresentKey(layer), false), (config.PresentValue(layer), false) })
            {
                var metadata = isInput ? session.InputMetadata : session.OutputMetadata;
                var pattern = isInput ? "inputs.past_key_names / past_value_names" : "outputs.present_key_names / present_value_names";
                Require(metadata.TryGetValue(name, out var meta), $"{file} has no {(isInput ? "input" : "output")} \"{name}\" (genai_config.json model.decoder.{pattern}, num_hidden_layers {config.Layers})");
                var type = meta!.ElementDataType;
                Require(type is TensorElementType.Float or TensorElementType.Float16 or TensorElementType.BFloat16, $"{file}: \"{name}\" is {type}; accepted KV cache types: float32, float16, bfloat16");
                Require(kvType is null || kvType == type, $"{file}: \"{name}\" is {type} but earlier KV tensors are {kvType}; every layer must use one KV type");
                kvType = type;
                var dims = meta.Dimensions;
                Require(dims.Length == 4 && (dims[1] <= 0 || dims[1] == config.KeyValueHeads) && (dims[3] <= 0 || dims[3] == config.HeadSize),
                    $"{file}: \"{name}\" has shape [{string.Join(", ", dims)}]; expected [batch, {config.KeyValueHeads} (num_key_value_heads), sequence, {config.HeadSize} (head_size)] from genai_config.json");
            }
        }

        return kvType!.Value;
    }

    private static int[] LayerCapacities(GenAiConfig config, GraphScan scan, AttentionLayout layout, int max, bool onCuda, string file)
    {
        var capacity = Enumerable.Repeat(max, config.Layers).ToArray();
        var windowed = scan.LocalWindowSizes.Count(w => w > 0);
        if (config.SlidingWindow is not { } window)
        {
            Require(windowed == 0, $"{file}: {windowed} GroupQueryAttention nodes have a local_window_size but genai_config.json has no model.decoder.sliding_window");
            return capacity;
        }

        Require(layout == AttentionLayout.SharedBuffer, $"genai_config.json model.decoder.sliding_window is set but {file} has no GroupQueryAttention; sliding windows are served on GroupQueryAttention exports only");
        Require(!window.SlideKeyValueCache && !window.SlideInputs, "genai_config.json model.decoder.sliding_window: slide_key_value_cache and slide_inputs must be false (the kernel evicts inside its buffer)");
        Require(windowed == window.Layers.Count, $"genai_config.json model.decoder.sliding_window.layers names {window.Layers.Count} layers but {file} has {windowed} GroupQueryAttention nodes with a local_window_size");
        var slack = window.CacheSlack > 0 ? window.CacheSlack : onCuda ? 0 : CpuSlidingCacheSlack;
        foreach (var layer in window.Layers)
        {
            Require(layer >= 0 && layer < config.Layers, $"genai_config.json model.decoder.sliding_window.layers: {layer} is not a layer (0 to {config.Layers - 1})");
            capacity[layer] = Math.Min(max, window.WindowSize + slack);
        }

        // GroupQueryAttention refuses a sliding buffer smaller than its window, the prefill included.
        Require(max >= window.WindowSize, $"max sequence length {max} is below genai_config.json model.decoder.sliding_window.window_size {window.WindowSize}; raise search.max_length or --max-sequence-length");
        return capacity;
    }

    private static string Describe(TensorElementType type) => type switch
    {
        TensorElementType.Float => "fp32",
        TensorElementType.Float16 => "fp16",
        TensorElementType.BFloat16 => "bf16",
        _ => type.ToString(),
    };

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ModelLoadException(message);
        }
    }
}
