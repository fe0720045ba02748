namespace SlmFleet.Api.Schema;

/// <summary>Which rules apply where JSON Schema and Kubernetes structural schemas disagree.</summary>
public enum SchemaDialect
{
    /// <summary>
    /// Kubernetes structural schema: fields not declared under <c>properties</c> are rejected unless
    /// <c>x-kubernetes-preserve-unknown-fields</c> is set; nulls in non-nullable fields count as absent
    /// (the API server prunes them); <c>metadata</c> at the root is left to the API server.
    /// </summary>
    Kubernetes,

    /// <summary>Plain JSON Schema: undeclared properties are allowed unless <c>additionalProperties</c> is false.</summary>
    JsonSchema,
}
