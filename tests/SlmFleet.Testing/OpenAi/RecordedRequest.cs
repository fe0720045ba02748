using System.Text.Json;

namespace SlmFleet.Testing.OpenAi;

/// <summary>A request the OpenAI stand-in received: path, Authorization header and body.</summary>
public sealed record RecordedRequest(string Path, string? Authorization, string Body)
{
    /// <summary>The body parsed (throws when the body is not JSON).</summary>
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
