using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>
/// JSON in and out. <see cref="Serialize"/> is transformers' tojson: Python's json.dumps with
/// ensure_ascii=False, keys in insertion order and no HTML escaping (Jinja's own tojson escapes
/// &lt;, &gt;, &amp; and ', transformers replaces it). <see cref="FromJson"/> turns request JSON
/// (tools, tool-call arguments) into template values as Python's json.loads would.
/// </summary>
internal static class JinjaJson
{
    public static string Serialize(object? value, object? indent, RenderContext context)
    {
        var indentText = indent switch
        {
            null or JinjaUndefined => null,
            long n => new string(' ', (int)Math.Clamp(n, 0, 64)),
            string s => s,
            _ => throw new JinjaException($"tojson: indent must be an integer or a string, not {JinjaValues.TypeName(indent)}"),
        };
        var builder = new StringBuilder();
        Write(builder, value, indentText, 0, context);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value, string? indent, int level, RenderContext context)
    {
        context.CheckSize(builder.Length);
        if (level > context.Options.MaxNesting)
        {
            throw new JinjaException("tojson: value nested too deeply");
        }

        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case long l:
                builder.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PythonFloat.Repr(d));
                break;
            case string s:
                WriteString(builder, s);
                break;
            case List<object?> list:
                WriteContainer(builder, '[', ']', list.Count, indent, level, (i, b) => Write(b, list[i], indent, level + 1, context));
                break;
            case OrderedDictionary<string, object?> dict:
                WriteContainer(builder, '{', '}', dict.Count, indent, level, (i, b) =>
                {
                    var entry = dict.GetAt(i);
                    WriteString(b, entry.Key);
                    b.Append(": ");
                    Write(b, entry.Value, indent, level + 1, context);
                });
                break;
            default:
                throw new JinjaException($"Object of type {JinjaValues.TypeName(value)} is not JSON serializable");
        }
    }

    private static void WriteContainer(StringBuilder builder, char open, char close, int count, string? indent, int level, Action<int, StringBuilder> writeItem)
    {
        builder.Append(open);
        if (count == 0)
        {
            builder.Append(close);
            return;
        }

        for (var i = 0; i < count; i++)
        {
            if (indent is null)
            {
                builder.Append(i == 0 ? string.Empty : ", ");
            }
            else
            {
                builder.Append(i == 0 ? "\n" : ",\n").Insert(builder.Length, indent, level + 1);
            }

            writeItem(i, builder);
        }

        if (indent is not null)
        {
            builder.Append('\n').Insert(builder.Length, indent, level);
        }

        builder.Append(close);
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToDictionary(element),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) && !element.GetRawText().AsSpan().ContainsAny(".eE") ? l : (object)element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static OrderedDictionary<string, object?> ToDictionary(JsonElement element)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            // A repeated key keeps the last value, as json.loads does.
            dict[property.Name] = FromJson(property.Value);
        }

        return dict;
    }
}
