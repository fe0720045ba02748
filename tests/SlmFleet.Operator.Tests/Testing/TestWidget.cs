using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Operator.Tests.Testing;

/// <summary>A custom resource that exists only in tests, to prove the server and runtime are generic.</summary>
[KubernetesEntity(Group = GroupName, ApiVersion = VersionName, Kind = KindName, PluralName = PluralName)]
public sealed class TestWidget : IKubernetesObject<V1ObjectMeta>, ISpec<TestWidgetSpec>, IStatus<TestWidgetStatus?>
{
    public const string GroupName = "test.slmfleet.io";
    public const string VersionName = "v1";
    public const string KindName = "Widget";
    public const string PluralName = "widgets";

    /// <summary>The kind as the test server registers it: namespaced, with status and scale subresources.</summary>
    public static ResourceType ResourceType { get; } =
        new(GroupName, VersionName, PluralName, KindName, Namespaced: true, HasStatus: true, Scale: new ScaleSubresource());

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = $"{GroupName}/{VersionName}";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public TestWidgetSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public TestWidgetStatus? Status { get; set; }

    public static TestWidget Create(string ns, string name, int replicas = 1, string color = "blue") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new TestWidgetSpec { Replicas = replicas, Color = color },
    };
}
