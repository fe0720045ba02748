using System.Globalization;
using System.Text;

namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>
/// Functions every template sees: Jinja's range, namespace and dict, plus the two transformers adds
/// to its chat-template environment, raise_exception and strftime_now.
/// </summary>
internal static class JinjaGlobals
{
    public static IReadOnlyDictionary<string, object?> All { get; } = new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["range"] = new JinjaFunction("range", Range),
        ["namespace"] = new JinjaFunction("namespace", Namespace),
        ["dict"] = new JinjaFunction("dict", (a, _) => new OrderedDictionary<string, object?>(a.Keywords, StringComparer.Ordinal)),
        ["raise_exception"] = new JinjaFunction("raise_exception", (a, _) => throw JinjaException.FromTemplate(JinjaValues.ToText(a.Get(0, "message", string.Empty)))),
        ["strftime_now"] = new JinjaFunction("strftime_now", (a, c) => Strftime(c.Now(), JinjaValues.ToText(a.Required(0, "format")))),
    };

    private static List<object?> Range(CallArguments arguments, RenderContext context)
    {
        long Bound(object? value) => value is long l ? l : value is bool b ? (b ? 1 : 0) : throw new JinjaException($"range(): '{JinjaValues.TypeName(value)}' object cannot be interpreted as an integer");
        var (start, stop, step) = arguments.Positional.Count switch
        {
            1 => (0L, Bound(arguments.Positional[0]), 1L),
            2 => (Bound(arguments.Positional[0]), Bound(arguments.Positional[1]), 1L),
            3 => (Bound(arguments.Positional[0]), Bound(arguments.Positional[1]), Bound(arguments.Positional[2])),
            _ => throw new JinjaException($"range expected 1 to 3 arguments, got {arguments.Positional.Count}"),
        };
        if (step == 0)
        {
            throw new JinjaException("range() arg 3 must not be zero");
        }

        var count = step > 0 ? Math.Max(0, (stop - start + step - 1) / step) : Math.Max(0, (start - stop - step - 1) / -step);
        context.CheckSize(count);
        var result = new List<object?>((int)count);
        for (var i = 0L; i < count; i++)
        {
            result.Add(start + (i * step));
        }

        return result;
    }

    private static JinjaNamespace Namespace(CallArguments arguments, RenderContext context)
    {
        var ns = new JinjaNamespace();
        foreach (var positional in arguments.Positional)
        {
            if (positional is not OrderedDictionary<string, object?> initial)
            {
                throw new JinjaException("namespace() takes keyword arguments or a mapping");
            }

            foreach (var (key, value) in initial)
            {
                ns.Attributes[key] = value;
            }
        }

        foreach (var (key, value) in arguments.Keywords)
        {
            ns.Attributes[key] = value;
        }

        return ns;
    }

    /// <summary>Python's strftime for the directives chat templates use (Llama 3.x: <c>%d %b %Y</c>); others are written as they are.</summary>
    public static string Strftime(DateTimeOffset now, string format)
    {
        var culture = CultureInfo.InvariantCulture;
        var builder = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                builder.Append(format[i]);
                continue;
            }

            var directive = format[++i];
            builder.Append(directive switch
            {
                'd' => now.Day.ToString("00", culture),
                'm' => now.Month.ToString("00", culture),
                'Y' => now.Year.ToString("0000", culture),
                'y' => (now.Year % 100).ToString("00", culture),
                'b' or 'h' => now.ToString("MMM", culture),
                'B' => now.ToString("MMMM", culture),
                'a' => now.ToString("ddd", culture),
                'A' => now.ToString("dddd", culture),
                'H' => now.Hour.ToString("00", culture),
                'I' => ((now.Hour + 11) % 12 + 1).ToString("00", culture),
                'M' => now.Minute.ToString("00", culture),
                'S' => now.Second.ToString("00", culture),
                'p' => now.Hour < 12 ? "AM" : "PM",
                'j' => now.DayOfYear.ToString("000", culture),
                'e' => now.Day.ToString(culture).PadLeft(2),
                'F' => now.ToString("yyyy-MM-dd", culture),
                'T' => now.ToString("HH:mm:ss", culture),
                '%' => "%",
                _ => "%" + directive,
            });
        }

        return builder.ToString();
    }
}
