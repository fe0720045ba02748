using System.Text.Json;
using Json.Schema;

namespace SlmFleet.Router.Schema;

/// <summary>
/// Checks answers with JsonSchema.Net (draft 2020-12 by default, every keyword, <c>format</c> asserted),
/// a kept implementation of the whole specification, instead of the subset the operator's own
/// validator covers for the Kubernetes dialect. Compiled schemas come from <see cref="SchemaCache"/>.
/// </summary>
internal sealed class ResponseSchemaValidator : IResponseSchemaValidator
{
    public string? Validate(JsonElement schema, JsonElement instance)
    {
        var compiled = SchemaCache.Get(schema);
        if (compiled.Schema is not { } built)
        {
            // Requests are refused at parse time for this (see ResponseSchemas.Check); an answer cannot satisfy it.
            return $"<schema>: {compiled.Error}";
        }

        try
        {
            var results = built.Evaluate(instance, compiled.Options);
            return results.IsValid ? null : SchemaErrors.First(results);
        }
        catch (Exception ex) when (ex is JsonSchemaException or RefResolutionException or InvalidOperationException)
        {
            // E.g. a $ref that only an answer's shape reaches and that resolves nowhere.
            return $"<schema>: {ex.Message}";
        }
    }
}
