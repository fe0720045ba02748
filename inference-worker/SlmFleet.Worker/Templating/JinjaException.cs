namespace SlmFleet.Worker.Templating;

/// <summary>
/// A template that cannot be parsed or that failed while rendering. The message names the template,
/// the line and column, and what went wrong; <see cref="Raised"/> marks the template's own
/// <c>raise_exception(...)</c>, whose text is the whole <see cref="Reason"/>.
/// </summary>
internal sealed class JinjaException : Exception
{
    public JinjaException(string reason)
        : base(reason)
    {
        Reason = reason;
    }

    public JinjaException(string reason, Exception inner)
        : base(reason, inner)
    {
        Reason = reason;
    }

    public JinjaException()
        : this("template error")
    {
    }

    private JinjaException(string reason, string templateName, int line, int column, bool raised)
        : base($"{templateName} line {line}, column {column}: {reason}")
    {
        Reason = reason;
        TemplateName = templateName;
        Line = line;
        Column = column;
        Raised = raised;
    }

    /// <summary>What went wrong, without the location.</summary>
    public string Reason { get; }

    public string? TemplateName { get; }

    /// <summary>1-based; 0 until the node that failed has added its location.</summary>
    public int Line { get; }

    public int Column { get; }

    /// <summary>True when the template itself called raise_exception.</summary>
    public bool Raised { get; private init; }

    public bool HasLocation => Line > 0;

    public static JinjaException FromTemplate(string message) => new(message) { Raised = true };

    public static JinjaException At(string reason, string templateName, int line, int column) => new(reason, templateName, line, column, raised: false);

    public JinjaException WithLocation(string templateName, int line, int column) => new(Reason, templateName, line, column, Raised);
}
