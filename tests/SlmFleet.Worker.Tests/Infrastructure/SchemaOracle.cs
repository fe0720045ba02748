using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>JsonSchema.Net 7.4 (formats asserted, not just annotated): the independent judge of constrained outputs.</summary>
public static class SchemaOracle
{
    private static readonly EvaluationOptions Options = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    /// <summary>Null when <paramref name="text"/> is JSON valid under <paramref name="schema"/>, else why not.</summary>
    public static string? Check(string schema, string text)
    {
        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            return $"not JSON: {ex.Message}";
        }

        var result = JsonSchema.FromText(schema).Evaluate(instance, Options);
        return result.IsValid
            ? null
            : "invalid: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}")));
    }
}
