using System.Text.Json.Nodes;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// Builds the <c>autoscaling/v1</c> Scale view of an object from its <see cref="ScaleSubresource"/>
/// mapping; a LabelSelector object (Deployments) becomes its string form.
/// </summary>
internal static class ScaleConverter
{
    public static JsonObject ToScale(ResourceType type, JsonObject obj)
    {
        var mapping = type.Scale ?? throw new KubeApiException(404, "NotFound", $"{type.QualifiedName} has no scale subresource");
        var meta = (JsonObject)obj["metadata"]!;
        var status = new JsonObject { ["replicas"] = JsonPath.Get(obj, mapping.StatusReplicasPath)?.DeepClone() ?? 0 };
        if (mapping.LabelSelectorPath is { } selectorPath && JsonPath.Get(obj, selectorPath) is { } selector)
        {
            status["selector"] = SelectorString(selector);
        }

        var scaleMeta = new JsonObject();
        foreach (var field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (meta[field] is { } value)
            {
                scaleMeta[field] = value.DeepClone();
            }
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = JsonPath.Get(obj, mapping.SpecReplicasPath)?.DeepClone() ?? 0 },
            ["status"] = status,
        };
    }

    private static string SelectorString(JsonNode selector)
    {
        if (selector is JsonValue value)
        {
            return value.ToString();
        }

        var terms = new List<string>();
        if (selector["matchLabels"] is JsonObject labels)
        {
            terms.AddRange(labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
        }

        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions.OfType<JsonObject>())
            {
                var key = expression["key"]?.ToString();
                var values = expression["values"] is JsonArray v ? string.Join(',', v.Select(x => x?.ToString())) : "";
                terms.Add(expression["operator"]?.ToString() switch
                {
                    "In" => $"{key} in ({values})",
                    "NotIn" => $"{key} notin ({values})",
                    "Exists" => key!,
                    _ => $"!{key}",
                });
            }
        }

        return string.Join(',', terms);
    }
}
