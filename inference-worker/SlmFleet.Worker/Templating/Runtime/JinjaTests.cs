namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>The tests of <c>value is name(args)</c>, with Jinja's semantics (an undefined value is iterable and a sequence, as Jinja's Undefined is).</summary>
internal static class JinjaTests
{
    public static bool Apply(string name, object? value, CallArguments arguments, RenderContext context) => name switch
    {
        "defined" => value is not JinjaUndefined,
        "undefined" => value is JinjaUndefined,
        "none" => value is null,
        "string" => value is string,
        "number" => value is long or double or bool,
        "integer" => value is long,
        "float" => value is double,
        "boolean" => value is bool,
        "true" => value is true,
        "false" => value is false,
        "mapping" => value is OrderedDictionary<string, object?>,
        "iterable" => value is string or List<object?> or OrderedDictionary<string, object?> or JinjaUndefined,
        "sequence" => value is string or List<object?> or OrderedDictionary<string, object?> or JinjaUndefined,
        "callable" => value is IJinjaCallable,
        "odd" => Integer(value, name) % 2 != 0,
        "even" => Integer(value, name) % 2 == 0,
        "divisibleby" => Integer(arguments.Required(0, "num"), name) is var divisor && divisor != 0 && Integer(value, name) % divisor == 0,
        "lower" => value is string lower && lower.Any(char.IsLetter) && !lower.Any(char.IsUpper),
        "upper" => value is string upper && upper.Any(char.IsLetter) && !upper.Any(char.IsLower),
        "equalto" or "eq" or "==" or "sameas" => JinjaValues.AreEqual(value, arguments.Required(0, "other")),
        "ne" or "!=" => !JinjaValues.AreEqual(value, arguments.Required(0, "other")),
        "lt" or "lessthan" or "<" => JinjaValues.Compare(value, arguments.Required(0, "other"), "<") < 0,
        "le" or "<=" => JinjaValues.Compare(value, arguments.Required(0, "other"), "<=") <= 0,
        "gt" or "greaterthan" or ">" => JinjaValues.Compare(value, arguments.Required(0, "other"), ">") > 0,
        "ge" or ">=" => JinjaValues.Compare(value, arguments.Required(0, "other"), ">=") >= 0,
        "in" => JinjaValues.Contains(arguments.Required(0, "seq"), value),
        "filter" => IsKnownFilter(JinjaValues.ToText(value), context),
        "test" => value is string known && IsKnownTest(known),
        _ => throw new JinjaException($"no test named '{name}'"),
    };

    private static readonly HashSet<string> Names =
    [
        "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true", "false", "mapping", "iterable",
        "sequence", "callable", "odd", "even", "divisibleby", "lower", "upper", "equalto", "eq", "sameas", "ne", "lt", "lessthan",
        "le", "gt", "greaterthan", "ge", "in", "filter", "test",
    ];

    private static bool IsKnownTest(string name) => Names.Contains(name);

    private static bool IsKnownFilter(string name, RenderContext context)
    {
        try
        {
            JinjaFilters.Apply(name, string.Empty, CallArguments.None(name), context);
            return true;
        }
        catch (JinjaException ex) when (ex.Reason.StartsWith("no filter named", StringComparison.Ordinal))
        {
            return false;
        }
        catch (JinjaException)
        {
            return true;
        }
    }

    private static long Integer(object? value, string test) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)d,
        _ => throw new JinjaException($"test '{test}' needs a number, not {JinjaValues.TypeName(value)}"),
    };
}
