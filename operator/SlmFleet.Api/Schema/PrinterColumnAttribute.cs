namespace SlmFleet.Api.Schema;

/// <summary>
/// An additional printer column for <c>kubectl get</c>, emitted into the CRD's
/// <c>additionalPrinterColumns</c> in declaration order.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    /// <summary>Column header.</summary>
    public string Name { get; } = name;

    /// <summary>OpenAPI type of the column: <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c> or <c>date</c>.</summary>
    public string Type { get; } = type;

    /// <summary>JSONPath into the object, e.g. <c>.status.readyReplicas</c>.</summary>
    public string JsonPath { get; } = jsonPath;

    /// <summary>0 shows in the default view; higher only with <c>-o wide</c>.</summary>
    public int Priority { get; init; }

    /// <summary>Optional help text for the column.</summary>
    public string? Description { get; init; }
}
