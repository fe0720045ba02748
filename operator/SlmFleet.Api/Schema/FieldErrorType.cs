namespace SlmFleet.Api.Schema;

/// <summary>The kind of a validation failure; the names and wording follow the Kubernetes API server's field errors.</summary>
public enum FieldErrorType
{
    /// <summary>A required field is missing (<c>Required value</c>).</summary>
    Required,

    /// <summary>The value has the wrong type or breaks a bound, length, pattern or cross-field rule (<c>Invalid value</c>).</summary>
    Invalid,

    /// <summary>The value is not one of the allowed values (<c>Unsupported value</c>).</summary>
    NotSupported,

    /// <summary>A string is longer than allowed (<c>Too long</c>).</summary>
    TooLong,

    /// <summary>A list has more items than allowed (<c>Too many</c>).</summary>
    TooMany,

    /// <summary>A list item or key repeats where items must be unique (<c>Duplicate value</c>).</summary>
    Duplicate,

    /// <summary>A field the schema does not declare (<c>Unknown field</c>).</summary>
    UnknownField,
}
