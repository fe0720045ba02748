using System.Text.Json;

namespace SlmFleet.Worker.Model;

/// <summary>
/// genai_config.json's <c>search</c> section: what ONNX Runtime GenAI does when a caller sets
/// nothing. A request's own parameters win; these fill the gaps so the worker and the reference
/// runtime behave alike on the same folder.
/// </summary>
internal sealed record SearchDefaults(
    int? MaxLength,
    bool DoSample,
    float Temperature,
    int TopK,
    float TopP,
    bool PastPresentShareBuffer,
    int NumBeams)
{
    public static SearchDefaults Default { get; } = new(null, false, 1f, 0, 1f, true, 1);

    public static SearchDefaults Parse(JsonElement search) => new(
        search.TryGetProperty("max_length", out var max) ? max.GetInt32() : null,
        search.TryGetProperty("do_sample", out var sample) && sample.GetBoolean(),
        search.TryGetProperty("temperature", out var temperature) ? temperature.GetSingle() : 1f,
        search.TryGetProperty("top_k", out var topK) ? topK.GetInt32() : 0,
        search.TryGetProperty("top_p", out var topP) ? topP.GetSingle() : 1f,
        !search.TryGetProperty("past_present_share_buffer", out var share) || share.GetBoolean(),
        search.TryGetProperty("num_beams", out var beams) ? beams.GetInt32() : 1);
}
