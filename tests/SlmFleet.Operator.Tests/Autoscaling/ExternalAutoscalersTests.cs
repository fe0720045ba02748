using FluentAssertions;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class ExternalAutoscalersTests
{
    [TestCase("slmfleet.io/v1alpha1", "SlmDeployment", "qwen", "qwen")]
    [TestCase("slmfleet.io/v1", "SlmDeployment", "qwen", "qwen")]
    [TestCase("apps/v1", "Deployment", "qwen-worker", "qwen")]
    [TestCase("apps/v1", "Deployment", "qwen", null)]
    [TestCase("apps/v1", "StatefulSet", "qwen-worker", null)]
    [TestCase("example.com/v1", "SlmDeployment", "qwen", null)]
    [TestCase("v1", "Deployment", "qwen-worker", null)]
    [TestCase(null, "SlmDeployment", "qwen", null)]
    public void SlmDeploymentName_ScaleTargetRef_NamesTheFleetItScales(string? apiVersion, string kind, string target, string? expected)
    {
        ExternalAutoscalers.SlmDeploymentName(Hpa("ml", "h", apiVersion, kind, target)).Should().Be(expected);
    }

    [Test]
    public void Targeting_OtherNamespaceOrFleet_Excluded()
    {
        var autoscalers = new[]
        {
            Hpa("ml", "b", "slmfleet.io/v1alpha1", "SlmDeployment", "qwen"),
            Hpa("ml", "a", "apps/v1", "Deployment", "qwen-worker"),
            Hpa("other", "c", "slmfleet.io/v1alpha1", "SlmDeployment", "qwen"),
            Hpa("ml", "d", "slmfleet.io/v1alpha1", "SlmDeployment", "phi3"),
        };

        ExternalAutoscalers.Targeting(autoscalers, "ml", "qwen").Select(a => a.Metadata.Name).Should().Equal("a", "b");
    }

    private static V2HorizontalPodAutoscaler Hpa(string ns, string name, string? apiVersion, string kind, string target) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V2HorizontalPodAutoscalerSpec { ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = apiVersion, Kind = kind, Name = target }, MaxReplicas = 4 },
    };
}
