using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlmFleet.Bench.Charts;

/// <summary>Tolerant reads from result JSON: a missing field or a null (a cell the peer could not run) is NaN.</summary>
internal static class Json
{
    public static double Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>() : double.NaN;

    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
