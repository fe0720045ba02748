using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>
/// A choice's log-probabilities in either of OpenAI's shapes: chat's <c>content</c> list, or the
/// completions endpoint's parallel lists (<c>tokens</c>, <c>token_logprobs</c>, <c>top_logprobs</c>,
/// <c>text_offset</c>). Only the members of one shape are set; null members are not written.
/// </summary>
internal sealed class LogprobsDto
{
    [JsonPropertyName("content")]
    public List<TokenLogprobDto>? Content { get; set; }

    [JsonPropertyName("tokens")]
    public List<string>? Tokens { get; set; }

    [JsonPropertyName("token_logprobs")]
    public List<float>? TokenLogprobs { get; set; }

    [JsonPropertyName("top_logprobs")]
    public List<Dictionary<string, float>>? TopLogprobs { get; set; }

    [JsonPropertyName("text_offset")]
    public List<int>? TextOffset { get; set; }
}

/// <summary>One token of chat's <c>logprobs.content</c>, with its most likely alternatives.</summary>
internal sealed class TokenLogprobDto
{
    [JsonPropertyName("token")]
    public string Token { get; set; } = string.Empty;

    [JsonPropertyName("logprob")]
    public float Logprob { get; set; }

    /// <summary>The token's UTF-8 bytes: a token can be part of a character, which its string cannot show.</summary>
    [JsonPropertyName("bytes")]
    public int[]? Bytes { get; set; }

    [JsonPropertyName("top_logprobs")]
    public List<TokenLogprobDto>? TopLogprobs { get; set; }
}
