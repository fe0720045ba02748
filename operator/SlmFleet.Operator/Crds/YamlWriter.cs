using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SlmFleet.Operator.Crds;

/// <summary>
/// Writes a JSON tree as block-style YAML, keys in the tree's order, two-space indents, sequences
/// at their key's indent (the kubebuilder look). Strings stay plain when no YAML parser could read
/// them as anything else, and are double-quoted otherwise. Output depends only on the tree, so
/// generated files are byte-for-byte reproducible.
/// </summary>
internal static partial class YamlWriter
{
    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    public static string Write(JsonNode node)
    {
        var output = new StringBuilder();
        WriteValue(node, 0, output, afterDash: false);
        return output.ToString();
    }

    private static void WriteValue(JsonNode? node, int indent, StringBuilder output, bool afterDash)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                WriteMapping(obj, indent, output, afterDash);
                break;
            case JsonArray array when array.Count > 0:
                WriteSequence(array, indent, output);
                break;
            default:
                output.Append(Scalar(node)).Append('\n');
                break;
        }
    }

    private static void WriteMapping(JsonObject obj, int indent, StringBuilder output, bool afterDash)
    {
        var first = true;
        foreach (var (key, value) in obj)
        {
            if (!(first && afterDash))
            {
                output.Append(' ', indent);
            }

            first = false;
            output.Append(Scalar(JsonValue.Create(key))).Append(':');
            switch (value)
            {
                case JsonObject child when child.Count > 0:
                    output.Append('\n');
                    WriteMapping(child, indent + 2, output, afterDash: false);
                    break;
                case JsonArray array when array.Count > 0:
                    output.Append('\n');
                    WriteSequence(array, indent, output);
                    break;
                default:
                    output.Append(' ').Append(Scalar(value)).Append('\n');
                    break;
            }
        }
    }

    private static void WriteSequence(JsonArray array, int indent, StringBuilder output)
    {
        foreach (var item in array)
        {
            output.Append(' ', indent).Append("- ");
            if (item is JsonArray { Count: > 0 })
            {
                output.Append('\n');
                WriteSequence((JsonArray)item, indent + 2, output);
            }
            else
            {
                WriteValue(item, indent + 2, output, afterDash: true);
            }
        }
    }

    /// <summary>A scalar (or empty container) as one YAML token.</summary>
    internal static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => String(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v),
        _ => node.ToJsonString(),
    };

    private static string Number(JsonValue value)
    {
        // Doubles print in their shortest round-trip form; JSON number text is valid YAML.
        if (value.TryGetValue<double>(out var d))
        {
            return d.ToString("R", CultureInfo.InvariantCulture);
        }

        return value.ToJsonString();
    }

    private static string String(string text) =>
        IsPlainSafe(text) ? text : JsonSerializer.Serialize(text, QuoteOptions);

    private static bool IsPlainSafe(string text)
    {
        if (text.Length == 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]) || Reserved.Contains(text))
        {
            return false;
        }

        if ("-?:,[]{}#&*!|>'\"%@`".Contains(text[0], StringComparison.Ordinal) || NumberLike().IsMatch(text))
        {
            return false;
        }

        return !text.Contains(": ", StringComparison.Ordinal) && !text.Contains(" #", StringComparison.Ordinal)
            && !text.EndsWith(':') && text.IndexOfAny(['{', '}', '[', ']', '\n', '\r', '\t', '\\', '"']) < 0
            && text.All(c => !char.IsControl(c));
    }

    [GeneratedRegex(@"^([-+.]?[0-9]|\.(inf|nan)$|0x|0o)", RegexOptions.IgnoreCase)]
    private static partial Regex NumberLike();
}
