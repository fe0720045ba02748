using System.Globalization;

namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>The filters published chat templates use (<c>value | name(args)</c>), with Jinja's semantics.</summary>
internal static class JinjaFilters
{
    public static object? Apply(string name, object? value, CallArguments arguments, RenderContext context)
    {
        switch (name)
        {
            case "trim":
                return PythonText.Strip(JinjaValues.ToText(value), arguments.Get(0, "chars") as string);
            case "tojson":
                return JinjaJson.Serialize(value, arguments.Get(0, "indent"), context);
            case "length" or "count":
                return JinjaValues.Length(value);
            case "upper":
                return JinjaValues.ToText(value).ToUpperInvariant();
            case "lower":
                return JinjaValues.ToText(value).ToLowerInvariant();
            case "title":
                return PythonText.TitleFilter(JinjaValues.ToText(value));
            case "capitalize":
                return PythonText.Capitalize(JinjaValues.ToText(value));
            case "default" or "d":
                var boolean = JinjaValues.IsTruthy(arguments.Get(1, "boolean", false));
                return value is JinjaUndefined || (boolean && !JinjaValues.IsTruthy(value)) ? arguments.Get(0, "default_value", string.Empty) : value;
            case "first":
                return JinjaValues.Iterate(value) is { Count: > 0 } firstItems ? firstItems[0] : new JinjaUndefined("No first item, sequence was empty.");
            case "last":
                return JinjaValues.Iterate(value) is { Count: > 0 } lastItems ? lastItems[^1] : new JinjaUndefined("No last item, sequence was empty.");
            case "join":
                return Join(value, arguments, context);
            case "replace":
                var replaced = JinjaMethods.PythonReplace(JinjaValues.ToText(value), JinjaValues.ToText(arguments.Required(0, "old")),
                    JinjaValues.ToText(arguments.Required(1, "new")), arguments.Get(2, "count") is long count ? count : -1);
                context.CheckSize(replaced.Length);
                return replaced;
            case "list":
                return JinjaValues.Iterate(value);
            case "items":
                return value switch
                {
                    OrderedDictionary<string, object?> dict => dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList(),
                    JinjaUndefined => new List<object?>(),
                    _ => throw new JinjaException($"items: can only get item pairs from a mapping, not {JinjaValues.TypeName(value)}"),
                };
            case "string":
                return JinjaValues.ToText(value);
            case "int":
                return ToInt(value, arguments.Get(0, "default", 0L));
            case "float":
                return ToFloat(value, arguments.Get(0, "default", 0.0));
            case "abs":
                return value switch
                {
                    long l => (object)Math.Abs(l),
                    double d => Math.Abs(d),
                    _ => throw new JinjaException($"bad operand type for abs(): '{JinjaValues.TypeName(value)}'"),
                };
            case "safe" or "e" or "escape" or "forceescape":
                // Chat templates render without autoescape; escape is identity here as far as tokens care about HTML.
                return name == "safe" ? value : JinjaValues.ToText(value);
            case "reverse":
                return value is string text ? string.Concat(PythonText.CodePoints(text).AsEnumerable().Reverse()) : (object)JinjaValues.Iterate(value).AsEnumerable().Reverse().ToList();
            case "sort":
                return Sort(value, arguments, context);
            case "unique":
                return JinjaValues.Iterate(value).Aggregate(new List<object?>(), (seen, item) =>
                {
                    if (!seen.Any(s => JinjaValues.AreEqual(s, item)))
                    {
                        seen.Add(item);
                    }

                    return seen;
                });
            case "map":
                return Map(value, arguments, context);
            case "select" or "reject":
                return SelectByTest(value, arguments, context, attribute: null, keep: name == "select");
            case "selectattr" or "rejectattr":
                var attribute = JinjaValues.ToText(arguments.Required(0, "attribute"));
                return SelectByTest(value, arguments.Skip(1), context, attribute, keep: name == "selectattr");
            case "indent":
                return Indent(JinjaValues.ToText(value), arguments);
            case "wordcount":
                return (long)PythonText.Split(JinjaValues.ToText(value), null, -1).Count;
            case "center":
                var centered = JinjaValues.ToText(value);
                var width = (int)Math.Min(ToInt(arguments.Get(0, "width", 80L), 80L), 100_000);
                var left = Math.Max(0, width - centered.Length) / 2;
                return centered.PadLeft(centered.Length + left).PadRight(Math.Max(width, centered.Length));
            case "dictsort":
                return value is OrderedDictionary<string, object?> sortable
                    ? sortable.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()
                    : throw new JinjaException("dictsort: value is not a mapping");
            case "sum":
                return JinjaValues.Iterate(value).Aggregate((object?)0L, (total, item) => JinjaValues.Binary("+", total, item, context));
            case "min" or "max":
                var candidates = JinjaValues.Iterate(value);
                return candidates.Count == 0
                    ? new JinjaUndefined($"No aggregated item, sequence was empty.")
                    : candidates.Aggregate((best, item) => (JinjaValues.Compare(item, best, "<") < 0) == (name == "min") ? item : best);
            default:
                throw new JinjaException($"no filter named '{name}'");
        }
    }

    private static string Join(object? value, CallArguments arguments, RenderContext context)
    {
        var separator = JinjaValues.ToText(arguments.Get(0, "d", string.Empty));
        var attribute = arguments.Get(1, "attribute") as string;
        var items = JinjaValues.Iterate(value).Select(item => JinjaValues.ToText(attribute is null ? item : JinjaAccess.Item(item, attribute)));
        var result = string.Join(separator, items);
        context.CheckSize(result.Length);
        return result;
    }

    private static List<object?> Sort(object? value, CallArguments arguments, RenderContext context)
    {
        var reverse = JinjaValues.IsTruthy(arguments.Get(0, "reverse", false));
        var caseSensitive = JinjaValues.IsTruthy(arguments.Get(1, "case_sensitive", false));
        var attribute = arguments.Get(2, "attribute") as string;
        object? Key(object? item)
        {
            var key = attribute is null ? item : JinjaAccess.Item(item, attribute);
            return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
        }

        var items = JinjaValues.Iterate(value);
        context.Step();
        var sorted = items.Order(Comparer<object?>.Create((a, b) => JinjaValues.Compare(Key(a), Key(b), "<"))).ToList();
        if (reverse)
        {
            sorted.Reverse();
        }

        return sorted;
    }

    private static List<object?> Map(object? value, CallArguments arguments, RenderContext context)
    {
        var items = JinjaValues.Iterate(value);
        if (arguments.Keywords.TryGetValue("attribute", out var attribute))
        {
            var name = JinjaValues.ToText(attribute);
            var fallback = arguments.Keywords.TryGetValue("default", out var d) ? d : null;
            var hasFallback = arguments.Keywords.ContainsKey("default");
            return items.Select(item =>
            {
                var mapped = JinjaAccess.Item(item, name);
                return mapped is JinjaUndefined && hasFallback ? fallback : mapped;
            }).ToList();
        }

        var filter = JinjaValues.ToText(arguments.Required(0, "filter"));
        var rest = arguments.Skip(1);
        return items.Select(item => Apply(filter, item, rest, context)).ToList();
    }

    private static List<object?> SelectByTest(object? value, CallArguments arguments, RenderContext context, string? attribute, bool keep)
    {
        var items = JinjaValues.Iterate(value);
        var test = arguments.Positional.Count > 0 ? JinjaValues.ToText(arguments.Positional[0]) : null;
        var rest = arguments.Skip(1);
        return items.Where(item =>
        {
            var subject = attribute is null ? item : JinjaAccess.Item(item, attribute);
            var passed = test is null ? JinjaValues.IsTruthy(subject) : JinjaTests.Apply(test, subject, rest, context);
            return passed == keep;
        }).ToList();
    }

    private static string Indent(string text, CallArguments arguments)
    {
        var width = arguments.Get(0, "width", 4L);
        var prefix = width is string s ? s : new string(' ', (int)Math.Clamp(ToInt(width, 4L), 0, 1000));
        var first = JinjaValues.IsTruthy(arguments.Get(1, "first", false));
        var blank = JinjaValues.IsTruthy(arguments.Get(2, "blank", false));
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if ((i > 0 || first) && (blank || lines[i].Length > 0))
            {
                lines[i] = prefix + lines[i];
            }
        }

        return string.Join('\n', lines);
    }

    private static long ToInt(object? value, object? fallback) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d when !double.IsNaN(d) && !double.IsInfinity(d) => (long)Math.Truncate(d),
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !double.IsInfinity(real) => (long)Math.Truncate(real),
        _ => fallback is long f ? f : 0,
    };

    private static double ToFloat(object? value, object? fallback) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => d,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => fallback is double f ? f : 0,
    };
}
