using System.Text.Json;

namespace SlmFleet.Router.Schema;

/// <summary>Checks an answer against the request's <c>response_format.json_schema.schema</c>.</summary>
internal interface IResponseSchemaValidator
{
    /// <summary>Null when <paramref name="instance"/> satisfies <paramref name="schema"/>; otherwise the first violation, with its JSON path.</summary>
    string? Validate(JsonElement schema, JsonElement instance);
}
