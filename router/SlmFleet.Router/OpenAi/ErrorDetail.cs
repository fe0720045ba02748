using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>The inside of <see cref="ErrorEnvelope"/>.</summary>
internal sealed class ErrorDetail
{
    [JsonPropertyName("message")]
    public string Message { get; set; } = string.Empty;

    [JsonPropertyName("type")]
    public string Type { get; set; } = "invalid_request_error";

    // OpenAI always writes param and code, null when they do not apply.
    [JsonPropertyName("param")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; set; }

    [JsonPropertyName("code")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Code { get; set; }
}
