namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>
/// Jinja's default Undefined: renders as nothing, is false, iterates as empty and has length 0;
/// arithmetic on it, its attributes and calling it fail with <see cref="Hint"/>.
/// </summary>
internal sealed class JinjaUndefined(string hint)
{
    public static JinjaUndefined Anonymous { get; } = new("value is undefined");

    public string Hint { get; } = hint;

    public static JinjaUndefined Name(string name) => new($"'{name}' is undefined");

    public JinjaException Fail() => new(Hint);

    public override string ToString() => string.Empty;
}
