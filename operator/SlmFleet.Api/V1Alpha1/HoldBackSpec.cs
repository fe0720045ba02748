using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// How much of a streamed SLM answer the router withholds before it commits to it. Until the window
/// closes, the client has received nothing, so a confidence below the threshold can still escalate
/// and the client then receives the LLM's stream alone; once it closes, the held tokens are sent and
/// the rest streams as the worker produces it. The window closes at whichever comes first: the
/// answer's end, <c>tokens</c> generated tokens (per choice), or <c>milliseconds</c> after the request
/// arrived with at least one token. <c>tokens: 0</c> streams at once (no confidence escalation for
/// streamed answers). Requests with a <c>json_schema</c> or <c>json_object</c> format are held to the
/// end, where the schema can be checked.
/// </summary>
public sealed class HoldBackSpec
{
    /// <summary>Tokens per choice withheld while confidence is measured over them.</summary>
    [Range(0, 4096)]
    [DefaultValue(16)]
    [JsonPropertyName("tokens")]
    public int Tokens { get; set; } = 16;

    /// <summary>The longest the window stays open after the request arrived, once a token exists.</summary>
    [Range(0, 60000)]
    [DefaultValue(1000)]
    [JsonPropertyName("milliseconds")]
    public int Milliseconds { get; set; } = 1000;
}
