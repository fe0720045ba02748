using System.Globalization;
using System.Text;

namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>
/// The str, dict and list methods chat templates call (<c>content.strip()</c>, <c>tool.items()</c>, …).
/// Mutating methods are refused, as in transformers' ImmutableSandboxedEnvironment.
/// </summary>
internal static class JinjaMethods
{
    public static JinjaFunction? Bind(object? target, string name) => target switch
    {
        string text => StringMethod(text, name),
        OrderedDictionary<string, object?> dict => DictMethod(dict, name),
        List<object?> list => ListMethod(list, name),
        _ => null,
    };

    private static JinjaFunction? StringMethod(string text, string name)
    {
        Func<CallArguments, RenderContext, object?>? body = name switch
        {
            "strip" => (a, _) => PythonText.Strip(text, OptionalText(a.AtMost(1), 0, "chars")),
            "lstrip" => (a, _) => PythonText.Strip(text, OptionalText(a.AtMost(1), 0, "chars"), right: false),
            "rstrip" => (a, _) => PythonText.Strip(text, OptionalText(a.AtMost(1), 0, "chars"), left: false),
            "upper" => (_, _) => text.ToUpperInvariant(),
            "lower" => (_, _) => text.ToLowerInvariant(),
            "title" => (_, _) => PythonText.TitleMethod(text),
            "capitalize" => (_, _) => PythonText.Capitalize(text),
            "startswith" => (a, _) => Affix(text, a.Required(0, "prefix"), text.StartsWith),
            "endswith" => (a, _) => Affix(text, a.Required(0, "suffix"), text.EndsWith),
            "split" => (a, _) => PythonText.Split(text, OptionalText(a.AtMost(2), 0, "sep"), Integer(a.Get(1, "maxsplit", -1L))),
            "replace" => (a, c) => Replace(text, a, c),
            "find" => (a, _) => (long)text.IndexOf(Text(a.Required(0, "sub")), StringComparison.Ordinal),
            "count" => (a, _) => Count(text, Text(a.Required(0, "sub"))),
            "join" => (a, c) => Join(text, a.Required(0, "iterable"), c),
            "isdigit" => (_, _) => text.Length > 0 && text.All(char.IsDigit),
            "isalpha" => (_, _) => text.Length > 0 && text.All(char.IsLetter),
            "isspace" => (_, _) => text.Length > 0 && text.All(PythonText.IsSpace),
            "isupper" => (_, _) => text.Any(char.IsLetter) && !text.Any(char.IsLower),
            "islower" => (_, _) => text.Any(char.IsLetter) && !text.Any(char.IsUpper),
            "splitlines" => (_, _) => SplitLines(text),
            "format" => (a, c) => Format(text, a, c),
            _ => null,
        };
        return body is null ? null : new JinjaFunction("str." + name, body);
    }

    private static JinjaFunction? DictMethod(OrderedDictionary<string, object?> dict, string name)
    {
        Func<CallArguments, RenderContext, object?>? body = name switch
        {
            "get" => (a, _) => a.Required(0, "key") is string key && dict.TryGetValue(key, out var value) ? value : a.Get(1, "default"),
            "items" => (_, _) => dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList(),
            "keys" => (_, _) => dict.Keys.Select(k => (object?)k).ToList(),
            "values" => (_, _) => dict.Values.ToList(),
            "copy" => (_, _) => new OrderedDictionary<string, object?>(dict, StringComparer.Ordinal),
            "update" or "pop" or "setdefault" or "clear" or "popitem" => (_, _) => throw Immutable("dict", name),
            _ => null,
        };
        return body is null ? null : new JinjaFunction("dict." + name, body);
    }

    private static JinjaFunction? ListMethod(List<object?> list, string name)
    {
        Func<CallArguments, RenderContext, object?>? body = name switch
        {
            "index" => (a, _) =>
            {
                var item = a.Required(0, "value");
                var index = list.FindIndex(e => JinjaValues.AreEqual(e, item));
                return index >= 0 ? (long)index : throw new JinjaException($"{JinjaValues.Repr(item)} is not in list");
            },
            "count" => (a, _) => (long)list.Count(e => JinjaValues.AreEqual(e, a.Required(0, "value"))),
            "append" or "extend" or "insert" or "pop" or "remove" or "sort" or "reverse" or "clear" => (_, _) => throw Immutable("list", name),
            _ => null,
        };
        return body is null ? null : new JinjaFunction("list." + name, body);
    }

    private static JinjaException Immutable(string type, string method)
        => new($"access to attribute '{method}' of '{type}' object is unsafe: chat templates render in an immutable sandbox, as in Hugging Face transformers");

    private static string? OptionalText(CallArguments arguments, int index, string name) => arguments.Get(index, name) switch
    {
        null or JinjaUndefined => null,
        string s => s,
        var other => throw new JinjaException($"{arguments.Callee}() argument must be str or None, not {JinjaValues.TypeName(other)}"),
    };

    private static string Text(object? value) => value as string ?? throw new JinjaException($"must be str, not {JinjaValues.TypeName(value)}");

    private static long Integer(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new JinjaException($"'{JinjaValues.TypeName(value)}' object cannot be interpreted as an integer"),
    };

    private static bool Affix(string text, object? affix, Func<string, StringComparison, bool> test) => affix switch
    {
        string s => test(s, StringComparison.Ordinal),
        List<object?> options => options.Any(o => test(Text(o), StringComparison.Ordinal)),
        _ => throw new JinjaException($"startswith/endswith first arg must be str or a tuple of str, not {JinjaValues.TypeName(affix)}"),
    };

    private static string Replace(string text, CallArguments arguments, RenderContext context)
    {
        var old = Text(arguments.Required(0, "old"));
        var replacement = Text(arguments.Required(1, "new"));
        var count = Integer(arguments.Get(2, "count", -1L));
        var result = PythonReplace(text, old, replacement, count);
        context.CheckSize(result.Length);
        return result;
    }

    /// <summary>str.replace with Python's count and empty-pattern rules (shared with the replace filter).</summary>
    public static string PythonReplace(string text, string old, string replacement, long count)
    {
        if (count < 0 && old.Length > 0)
        {
            return text.Replace(old, replacement, StringComparison.Ordinal);
        }

        var builder = new StringBuilder();
        var done = 0L;
        var i = 0;
        if (old.Length == 0)
        {
            foreach (var piece in PythonText.CodePoints(text))
            {
                if (count < 0 || done < count)
                {
                    builder.Append(replacement);
                    done++;
                }

                builder.Append(piece);
            }

            return (count < 0 || done < count ? builder.Append(replacement) : builder).ToString();
        }

        while (done < count)
        {
            var at = text.IndexOf(old, i, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            builder.Append(text, i, at - i).Append(replacement);
            i = at + old.Length;
            done++;
        }

        return builder.Append(text, i, text.Length - i).ToString();
    }

    private static List<object?> SplitLines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n').Select(l => (object?)l).ToList();
        if (text.Length == 0)
        {
            return [];
        }

        if (text[^1] is '\n' or '\r')
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private static long Count(string text, string sub)
    {
        if (sub.Length == 0)
        {
            return PythonText.Length(text) + 1;
        }

        var count = 0L;
        for (var at = text.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = text.IndexOf(sub, at + sub.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string Join(string separator, object? items, RenderContext context)
    {
        var parts = JinjaValues.Iterate(items).Select(p => p as string ?? throw new JinjaException($"sequence item: expected str instance, {JinjaValues.TypeName(p)} found"));
        var result = string.Join(separator, parts);
        context.CheckSize(result.Length);
        return result;
    }

    /// <summary>str.format with <c>{}</c>, <c>{0}</c> and <c>{name}</c> fields (no format specs beyond the plain value).</summary>
    private static string Format(string text, CallArguments arguments, RenderContext context)
    {
        var builder = new StringBuilder();
        var auto = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                builder.Append('{');
                i++;
                continue;
            }

            if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                builder.Append('}');
                i++;
                continue;
            }

            if (c != '{')
            {
                builder.Append(c);
                continue;
            }

            var end = text.IndexOf('}', i);
            if (end < 0)
            {
                throw new JinjaException("Single '{' encountered in format string");
            }

            var field = text[(i + 1)..end];
            object? value;
            if (field.Length == 0)
            {
                value = auto < arguments.Positional.Count ? arguments.Positional[auto++] : throw new JinjaException($"Replacement index {auto} out of range for positional args tuple");
            }
            else if (int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                value = index < arguments.Positional.Count ? arguments.Positional[index] : throw new JinjaException($"Replacement index {index} out of range for positional args tuple");
            }
            else
            {
                value = arguments.Keywords.TryGetValue(field, out var named) ? named : throw new JinjaException($"KeyError: '{field}'");
            }

            builder.Append(JinjaValues.ToText(value));
            i = end;
        }

        context.CheckSize(builder.Length);
        return builder.ToString();
    }
}
