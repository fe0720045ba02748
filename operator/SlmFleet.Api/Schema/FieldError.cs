namespace SlmFleet.Api.Schema;

/// <summary>
/// One validation failure, pinned to the field it is about. <see cref="ToString"/> reads like the
/// Kubernetes API server's errors, e.g.
/// <c>spec.accelerator.type: Unsupported value: "nvidia-h100": supported values: "nvidia-t4", "cpu"</c>.
/// </summary>
/// <param name="Type">What kind of failure it is.</param>
/// <param name="Path">Dotted JSON path of the field, e.g. <c>spec.rules[2].target</c>; empty for the document root.</param>
/// <param name="Value">The offending value as JSON text (strings quoted), or null where no value applies (missing fields).</param>
/// <param name="Detail">What is accepted, e.g. <c>supported values: "slm", "llm"</c>.</param>
public sealed record FieldError(FieldErrorType Type, string Path, string? Value, string Detail)
{
    /// <summary>The error as one line: <c>path: Type text: value: detail</c>.</summary>
    public string Message => ToString();

    /// <inheritdoc />
    public override string ToString()
    {
        var field = Path.Length == 0 ? "<root>" : Path;
        var typeText = Type switch
        {
            FieldErrorType.Required => "Required value",
            FieldErrorType.Invalid => "Invalid value",
            FieldErrorType.NotSupported => "Unsupported value",
            FieldErrorType.TooLong => "Too long",
            FieldErrorType.TooMany => "Too many",
            FieldErrorType.Duplicate => "Duplicate value",
            FieldErrorType.UnknownField => "Unknown field",
            _ => Type.ToString(),
        };
        var parts = new List<string> { typeText };
        if (Value is not null)
        {
            parts.Add(Value);
        }

        if (Detail.Length > 0)
        {
            parts.Add(Detail);
        }

        return $"{field}: {string.Join(": ", parts)}";
    }
}
