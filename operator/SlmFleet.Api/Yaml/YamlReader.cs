using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SlmFleet.Api.Yaml;

/// <summary>
/// Reads YAML manifests into JSON trees, resolving plain scalars the way Kubernetes' YAML decoder
/// does (YAML 1.1 as in sigs.k8s.io/yaml: integers, a leading 0 meaning octal as in <c>defaultMode: 0440</c>,
/// floats, booleans including yes/no/on/off, null), so schema validation sees the same types the API
/// server would. The operator (manifests, CRDs), the router (local config) and the chart tests share it.
/// </summary>
public static partial class YamlReader
{
    /// <summary>Every non-empty document in <paramref name="yaml"/>.</summary>
    /// <exception cref="YamlException">The text is not valid YAML.</exception>
    public static IReadOnlyList<JsonNode?> ReadAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents
            .Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
            .Select(d => Convert(d.RootNode))
            .ToList();
    }

    /// <summary>The single document in <paramref name="yaml"/>.</summary>
    /// <exception cref="YamlException">The text is not valid YAML.</exception>
    /// <exception cref="InvalidOperationException">There is not exactly one document, or a mapping repeats a key.</exception>
    public static JsonNode? Read(string yaml)
    {
        var documents = ReadAll(yaml);
        return documents.Count == 1
            ? documents[0]
            : throw new InvalidOperationException($"expected one YAML document, found {documents.Count}");
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ConvertMapping(mapping),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new InvalidOperationException($"unsupported YAML node at {node.Start}"),
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value
                ?? throw new InvalidOperationException($"mapping keys must be strings (line {key.Start.Line})");
            if (obj.ContainsKey(name))
            {
                throw new InvalidOperationException($"duplicate key \"{name}\" (line {key.Start.Line})");
            }

            obj[name] = Convert(value);
        }

        return obj;
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (scalar.Style != ScalarStyle.Plain || tag == "tag:yaml.org,2002:str")
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" || text.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF")
        {
            return JsonValue.Create(false);
        }

        if (Octal().IsMatch(text))
        {
            return JsonValue.Create(System.Convert.ToInt64(text, 8));
        }

        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex("^0[0-7]+$")]
    private static partial Regex Octal();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
