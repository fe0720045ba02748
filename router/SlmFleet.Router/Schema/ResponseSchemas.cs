using System.Text.Json;
using SlmFleet.Router.OpenAi;

namespace SlmFleet.Router.Schema;

/// <summary>The request-time check of <c>response_format.json_schema.schema</c>, called by the request parser.</summary>
internal static class ResponseSchemas
{
    public const string Param = "response_format.json_schema.schema";

    /// <summary>Null when the schema can be built and is valid against its draft's meta-schema; otherwise a 400 naming the problem.</summary>
    public static RequestError? Check(JsonElement schema)
    {
        var compiled = SchemaCache.Get(schema);
        return compiled.Error is { } error
            ? RequestError.Invalid(Param, $"Invalid '{Param}': {error}. Expected a valid JSON Schema (draft 2020-12 unless '$schema' names another).")
            : null;
    }
}
