using System.Text.Json.Nodes;

namespace SlmFleet.Api.Schema;

/// <summary>
/// Validates a JSON document against a schema: the OpenAPI v3 subset of Kubernetes structural schemas
/// (CRDs) and the JSON Schema subset used for <c>response_format</c> schemas. Supported keywords:
/// <c>type</c> (a name or a list of names; <c>integer</c> means an integral number), <c>properties</c>,
/// <c>required</c>, <c>additionalProperties</c> (bool or schema), <c>items</c>, <c>enum</c>, <c>const</c>,
/// <c>minimum</c>/<c>maximum</c> (with boolean or numeric <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c>),
/// <c>minLength</c>/<c>maxLength</c>, <c>pattern</c>, <c>minItems</c>/<c>maxItems</c>, <c>uniqueItems</c>,
/// <c>minProperties</c>/<c>maxProperties</c>, <c>nullable</c>, <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c>,
/// local <c>$ref</c> (<c>#/…</c>), <c>x-kubernetes-int-or-string</c> and
/// <c>x-kubernetes-preserve-unknown-fields</c>. Other keywords (formats, CEL rules) are ignored.
/// A malformed keyword is ignored rather than thrown: the validator never crashes on user input.
/// </summary>
public static class SchemaValidator
{
    /// <summary>Validates <paramref name="document"/> against <paramref name="schema"/>.</summary>
    /// <param name="document">The value to check (a JSON null is passed as <c>null</c>).</param>
    /// <param name="schema">The schema; for a CRD, its <c>openAPIV3Schema</c>.</param>
    /// <param name="dialect">Kubernetes (unknown fields rejected) or plain JSON Schema.</param>
    /// <param name="rootPath">Path prefix for error paths; empty means paths start at the root's fields (<c>spec.replicas</c>).</param>
    /// <returns>Every failure found, in document order; empty when the document is valid.</returns>
    public static IReadOnlyList<FieldError> Validate(JsonNode? document, JsonNode schema, SchemaDialect dialect = SchemaDialect.JsonSchema, string rootPath = "")
    {
        ArgumentNullException.ThrowIfNull(schema);
        var walker = new SchemaWalker(schema, dialect, rootPath);
        walker.Check(document, schema, rootPath, 0);
        return walker.Errors;
    }

    /// <summary>True when <paramref name="document"/> satisfies <paramref name="schema"/>.</summary>
    public static bool IsValid(JsonNode? document, JsonNode schema, SchemaDialect dialect = SchemaDialect.JsonSchema) =>
        Validate(document, schema, dialect).Count == 0;

    /// <summary>Formats a value the way the API server prints it in errors: strings quoted, containers by kind.</summary>
    internal static string FormatValue(JsonNode? value) => SchemaWalker.FormatValue(value);
}
