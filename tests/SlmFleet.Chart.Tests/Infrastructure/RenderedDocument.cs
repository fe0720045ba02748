using System.Text.Json.Nodes;

namespace SlmFleet.Chart.Tests.Infrastructure;

/// <summary>One object helm rendered: where it came from, its identity, and its content as JSON.</summary>
internal sealed record RenderedDocument(string Source, JsonObject Content)
{
    public string ApiVersion => Content["apiVersion"]?.GetValue<string>() ?? string.Empty;

    public string Kind => Content["kind"]?.GetValue<string>() ?? string.Empty;

    public string Name => Content["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;

    public string? Namespace => Content["metadata"]?["namespace"]?.GetValue<string>();

    /// <summary>apiVersion/kind, the key KubernetesYaml's type maps use.</summary>
    public string TypeKey => $"{ApiVersion}/{Kind}";

    public override string ToString() => $"{Kind} {Namespace}/{Name} ({Source})";
}
