namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// A request path resolved against the registered kinds:
/// <c>/api/v1/[namespaces/{ns}/]{plural}[/{name}[/{subresource}]]</c> or the same under
/// <c>/apis/{group}/{version}/</c>.
/// </summary>
internal sealed record ApiRoute(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>The resource label used for request counting: <c>plural</c> or <c>plural/subresource</c>.</summary>
    public string ResourceLabel => Subresource is null ? Type.Plural : $"{Type.Plural}/{Subresource}";

    public static ApiRoute Parse(string path, ResourceRegistry registry)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group;
        string version;
        string[] rest;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], segments[2..]);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], segments[3..]);
        }
        else
        {
            throw NotServed(path);
        }

        ResourceType type;
        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length >= 3 && registry.Find(group, version, rest[2]) is { Namespaced: true } namespacedType)
        {
            type = namespacedType;
            ns = rest[1];
            rest = rest[2..];
        }
        else
        {
            type = registry.Find(group, version, rest[0]) ?? throw NotServed(path);
        }

        if (rest.Length > 3)
        {
            throw NotServed(path);
        }

        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        if (type.Namespaced && ns is null && name is not null)
        {
            throw NotServed(path);
        }

        if (subresource is not null && !(subresource == "status" && type.HasStatus) && !(subresource == "scale" && type.Scale is not null))
        {
            throw NotServed(path);
        }

        return new ApiRoute(type, ns, name, subresource);
    }

    private static KubeApiException NotServed(string path) =>
        new(404, "NotFound", $"the server could not find the requested resource ({path}); register its kind with KubeApiTestServer.Resources.Register");
}
