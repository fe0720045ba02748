using System.Text.Json;
using System.Text.Json.Nodes;
using SlmFleet.Api.Schema;

namespace SlmFleet.Router.Schema;

/// <summary>
/// Checks answers with the shared <see cref="SchemaValidator"/> in its JSON Schema dialect, so that the
/// router and the operator agree on what a schema means (local <c>$ref</c>, <c>uniqueItems</c> and
/// exclusive bounds included). Unknown keywords are ignored, as the specification says.
/// </summary>
internal sealed class ResponseSchemaValidator : IResponseSchemaValidator
{
    public string? Validate(JsonElement schema, JsonElement instance)
    {
        if (ToNode(schema) is not { } schemaNode)
        {
            // A null schema constrains nothing.
            return null;
        }

        var errors = SchemaValidator.Validate(ToNode(instance), schemaNode, SchemaDialect.JsonSchema);
        return errors.Count == 0 ? null : errors[0].ToString();
    }

    /// <summary>Wraps the element without re-parsing; a JSON null becomes <c>null</c>, as the validator expects.</summary>
    private static JsonNode? ToNode(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(element),
        JsonValueKind.Array => JsonArray.Create(element),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => JsonValue.Create(element),
    };
}
