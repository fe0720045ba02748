using System.Text.Json.Serialization;

namespace SlmFleet.Operator.Tests.Testing;

public sealed class TestWidgetSpec
{
    [JsonPropertyName("replicas")]
    public int Replicas { get; set; }

    [JsonPropertyName("color")]
    public string Color { get; set; } = "";
}
