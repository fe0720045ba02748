using System.Globalization;
using System.Text.Json;
using SlmFleet.Worker.Model;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// A JSON element that knows its file and its JSON path, so every complaint about a tokenizer file
/// names both (<c>tokenizer.json: $.pre_tokenizer.pretokenizers[1].type is "Foo"</c>) instead of a bare
/// KeyNotFoundException.
/// </summary>
internal readonly record struct JsonNode(JsonElement Element, string File, string Path)
{
    public JsonValueKind Kind => Element.ValueKind;

    public bool IsNull => Element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    public JsonNode Required(string name)
        => Optional(name) is { IsNull: false } node ? node : throw Error($"{Path}.{name} is missing");

    /// <summary>The property, or a node whose <see cref="IsNull"/> is true when it is absent.</summary>
    public JsonNode Optional(string name)
        => Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var value)
            ? new JsonNode(value, File, $"{Path}.{name}")
            : new JsonNode(default, File, $"{Path}.{name}");

    public string String()
        => Element.ValueKind == JsonValueKind.String ? Element.GetString()! : throw Error($"{Path} is {Describe()}; expected a string");

    public string? OptionalString(string name)
        => Optional(name) is { IsNull: false } node ? node.String() : null;

    public int Int()
        => Element.ValueKind == JsonValueKind.Number && Element.TryGetInt32(out var value) ? value : throw Error($"{Path} is {Describe()}; expected an integer");

    public double Double()
        => Element.ValueKind == JsonValueKind.Number ? Element.GetDouble() : throw Error($"{Path} is {Describe()}; expected a number");

    public bool Bool(string name, bool fallback)
    {
        var node = Optional(name);
        return node.Element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Undefined => fallback,
            _ => throw Error($"{node.Path} is {node.Describe()}; expected true or false"),
        };
    }

    public IEnumerable<JsonNode> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array)
        {
            throw Error($"{Path} is {Describe()}; expected an array");
        }

        var index = 0;
        foreach (var item in Element.EnumerateArray())
        {
            yield return new JsonNode(item, File, string.Create(CultureInfo.InvariantCulture, $"{Path}[{index++}]"));
        }
    }

    /// <summary>The error for a value this tokenizer does not implement: names the path, the value and what is accepted.</summary>
    public ModelLoadException Unsupported(string value, string accepted)
        => Error($"{Path} is \"{value}\", which this worker does not support; supported: {accepted}");

    public ModelLoadException Error(string message) => new($"{System.IO.Path.GetFileName(File)} ({File}): {message}");

    private string Describe() => Element.ValueKind switch
    {
        JsonValueKind.Undefined => "missing",
        JsonValueKind.String => $"\"{Element.GetString()}\"",
        _ => Element.GetRawText() is { Length: <= 40 } raw ? raw : Element.ValueKind.ToString().ToLowerInvariant(),
    };
}
