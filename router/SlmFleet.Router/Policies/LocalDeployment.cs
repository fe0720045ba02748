using System.Text.Json.Serialization;

namespace SlmFleet.Router.Policies;

/// <summary>One SlmDeployment in <see cref="LocalRouterConfig"/>, with a static list of worker endpoints.</summary>
internal sealed class LocalDeployment
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Served model name; defaults to <see cref="Name"/>.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("endpoints")]
    public List<string> Endpoints { get; set; } = [];
}
