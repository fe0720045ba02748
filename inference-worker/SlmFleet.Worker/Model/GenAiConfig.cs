using System.Globalization;
using System.Text.Json;

namespace SlmFleet.Worker.Model;

/// <summary>The parts of genai_config.json the engine needs (ONNX Runtime GenAI's key names).</summary>
internal sealed record GenAiConfig(
    string ModelType,
    string Filename,
    int Layers,
    int AttentionHeads,
    int KeyValueHeads,
    int HeadSize,
    int HiddenSize,
    int ContextLength,
    int VocabSize,
    IReadOnlyList<int> EosTokenIds,
    int PadTokenId,
    int? BosTokenId,
    string InputIdsName,
    string AttentionMaskName,
    string? PositionIdsName,
    string PastKeyPattern,
    string PastValuePattern,
    string LogitsName,
    string PresentKeyPattern,
    string PresentValuePattern)
{
    /// <summary><c>search</c>: the model's own generation defaults (max_length, sampling, share buffer).</summary>
    public SearchDefaults Search { get; init; } = SearchDefaults.Default;

    /// <summary><c>model.decoder.sliding_window</c>, or null when every layer attends to the whole context.</summary>
    public SlidingWindow? SlidingWindow { get; init; }

    /// <summary><c>model.decoder.session_options</c> as raw JSON ("{}" when absent): threads and execution providers.</summary>
    public string SessionOptionsJson { get; init; } = "{}";

    public string PastKey(int layer) => Format(PastKeyPattern, layer);

    public string PastValue(int layer) => Format(PastValuePattern, layer);

    public string PresentKey(int layer) => Format(PresentKeyPattern, layer);

    public string PresentValue(int layer) => Format(PresentValuePattern, layer);

    public static GenAiConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"genai_config.json is missing: expected {path}");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var model = Required(document.RootElement, "model", path);
            var decoder = Required(model, "decoder", path);
            var inputs = Required(decoder, "inputs", path);
            var outputs = Required(decoder, "outputs", path);
            var heads = Int(decoder, "num_attention_heads", path);
            var hidden = decoder.TryGetProperty("hidden_size", out var hs) ? hs.GetInt32() : 0;
            var headSize = decoder.TryGetProperty("head_size", out var hz) ? hz.GetInt32() : hidden / heads;
            var eos = Required(model, "eos_token_id", path);
            var eosIds = eos.ValueKind == JsonValueKind.Array ? eos.EnumerateArray().Select(e => e.GetInt32()).ToList() : [eos.GetInt32()];
            return new GenAiConfig(
                model.TryGetProperty("type", out var type) ? type.GetString() ?? "unknown" : "unknown",
                decoder.TryGetProperty("filename", out var file) ? file.GetString() ?? "model.onnx" : "model.onnx",
                Int(decoder, "num_hidden_layers", path),
                heads,
                decoder.TryGetProperty("num_key_value_heads", out var kv) ? kv.GetInt32() : heads,
                headSize,
                hidden == 0 ? heads * headSize : hidden,
                Int(model, "context_length", path),
                Int(model, "vocab_size", path),
                eosIds,
                model.TryGetProperty("pad_token_id", out var pad) ? pad.GetInt32() : eosIds[0],
                model.TryGetProperty("bos_token_id", out var bos) ? bos.GetInt32() : null,
                Str(inputs, "input_ids", "input_ids"),
                Str(inputs, "attention_mask", "attention_mask"),
                inputs.TryGetProperty("position_ids", out var pos) ? pos.GetString() : null,
                Str(inputs, "past_key_names", "past_key_values.%d.key"),
                Str(inputs, "past_value_names", "past_key_values.%d.value"),
                Str(outputs, "logits", "logits"),
                Str(outputs, "present_key_names", "present.%d.key"),
                Str(outputs, "present_value_names", "present.%d.value"))
            {
                Search = document.RootElement.TryGetProperty("search", out var search) ? SearchDefaults.Parse(search) : SearchDefaults.Default,
                SlidingWindow = decoder.TryGetProperty("sliding_window", out var window) && window.ValueKind == JsonValueKind.Object ? SlidingWindow.Parse(window) : null,
                SessionOptionsJson = decoder.TryGetProperty("session_options", out var session) ? session.GetRawText() : "{}",
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new ModelLoadException($"genai_config.json is corrupt ({path}): {ex.Message}", ex);
        }
    }

    private static string Format(string pattern, int layer) => pattern.Replace("%d", layer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static JsonElement Required(JsonElement element, string name, string path)
        => element.TryGetProperty(name, out var value)
            ? value
            : throw new ModelLoadException($"genai_config.json ({path}) has no \"{name}\" key");

    private static int Int(JsonElement element, string name, string path) => Required(element, name, path).GetInt32();

    private static string Str(JsonElement element, string name, string fallback)
        => element.TryGetProperty(name, out var value) ? value.GetString() ?? fallback : fallback;
}
