using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>The few checks the test server makes on incoming objects: namespace consistency and name format.</summary>
internal static partial class ObjectValidation
{
    public static void CheckNamespace(ResourceType type, string? ns, JsonObject metadata)
    {
        var bodyNamespace = metadata["namespace"]?.GetValue<string>();
        if (type.Namespaced && ns is null)
        {
            throw KubeApiException.BadRequest($"{type.QualifiedName} is namespaced: use /namespaces/{{namespace}}/{type.Plural}");
        }

        if (type.Namespaced && !string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != ns)
        {
            throw KubeApiException.BadRequest($"the namespace of the provided object ({bodyNamespace}) does not match the namespace sent on the request ({ns})");
        }
    }

    public static void CheckName(ResourceType type, string name)
    {
        if (name.Length > 253 || !NamePattern().IsMatch(name))
        {
            throw KubeApiException.Invalid(type, name,
                $"metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex NamePattern();
}
