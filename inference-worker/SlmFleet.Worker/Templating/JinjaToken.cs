namespace SlmFleet.Worker.Templating;

/// <summary>One lexeme; <see cref="Value"/> is the decoded text (string literals unescaped).</summary>
internal readonly record struct JinjaToken(JinjaTokenKind Kind, string Value, int Line, int Column)
{
    public bool Is(JinjaTokenKind kind, string value) => Kind == kind && string.Equals(Value, value, StringComparison.Ordinal);

    public bool IsName(string name) => Is(JinjaTokenKind.Name, name);

    public bool IsOperator(string op) => Is(JinjaTokenKind.Operator, op);

    public string Describe() => Kind switch
    {
        JinjaTokenKind.EndOfFile => "end of template",
        JinjaTokenKind.BlockEnd => "'%}'",
        JinjaTokenKind.VariableEnd => "'}}'",
        JinjaTokenKind.Text => "text",
        JinjaTokenKind.String => "a string",
        _ => $"'{Value}'",
    };
}
