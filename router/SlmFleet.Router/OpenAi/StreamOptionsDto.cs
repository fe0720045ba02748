using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary><c>stream_options</c>: whether the stream ends with a usage chunk.</summary>
internal sealed class StreamOptionsDto
{
    [JsonPropertyName("include_usage")]
    public bool? IncludeUsage { get; set; }
}
