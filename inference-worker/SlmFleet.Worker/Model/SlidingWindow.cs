using System.Text.Json;

namespace SlmFleet.Worker.Model;

/// <summary>
/// genai_config.json's <c>model.decoder.sliding_window</c> (Gemma-2/3 style local layers): which
/// layers see only the last <see cref="WindowSize"/> positions, and the extra columns
/// (<see cref="CacheSlack"/>, 0 = the runtime's default) their smaller KV buffer keeps.
/// </summary>
internal sealed record SlidingWindow(int WindowSize, IReadOnlyList<int> Layers, int CacheSlack, bool SlideKeyValueCache, bool SlideInputs)
{
    public static SlidingWindow Parse(JsonElement window) => new(
        window.GetProperty("window_size").GetInt32(),
        window.TryGetProperty("layers", out var layers) ? [.. layers.EnumerateArray().Select(l => l.GetInt32())] : [],
        window.TryGetProperty("cache_slack", out var slack) ? slack.GetInt32() : 0,
        window.TryGetProperty("slide_key_value_cache", out var slideKv) && slideKv.GetBoolean(),
        window.TryGetProperty("slide_inputs", out var slideInputs) && slideInputs.GetBoolean());
}
