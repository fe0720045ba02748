using System.Text.Json.Serialization;

namespace SlmFleet.Operator.Tests.Testing;

public sealed class TestWidgetStatus
{
    [JsonPropertyName("replicas")]
    public int Replicas { get; set; }

    [JsonPropertyName("selector")]
    public string? Selector { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }
}
