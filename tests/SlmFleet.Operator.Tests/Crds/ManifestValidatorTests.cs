using System.Text.Json.Nodes;
using FluentAssertions;
using k8s;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Crds;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Crds;

[TestFixture]
public sealed class ManifestValidatorTests
{
    private static V1Alpha1SlmDeployment Example() =>
        KubernetesYaml.Deserialize<V1Alpha1SlmDeployment>(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "examples", "slmdeployment-cpu-demo.yaml")));

    [Test]
    public void Validate_TypedExample_NoErrors()
    {
        ManifestValidator.Validate(Example()).Should().BeEmpty();
    }

    [Test]
    public void Validate_TypedResourceWithBadEnum_NamesField()
    {
        var resource = Example();
        resource.Spec.Model.Quantization = "int2";

        ManifestValidator.Validate(resource).Select(e => e.Path).Should().Equal("spec.model.quantization");
    }

    [Test]
    public void Validate_TypedResourceBreakingCrossFieldRule_NamesField()
    {
        var resource = Example();
        resource.Spec.MinReplicas = 3;

        // replicas below minReplicas is clamped by the reconciler, not rejected (a56008d): only the min/max rule fires.
        ManifestValidator.Validate(resource).Select(e => e.Path).Should().Equal("spec.maxReplicas");
    }

    [TestCase("""{"apiVersion":"v1","kind":"Pod"}""", "apiVersion")]
    [TestCase("""{"apiVersion":"slmfleet.io/v1alpha1","kind":"SlmFleet"}""", "kind")]
    [TestCase("""[1,2]""", "")]
    public void Validate_NotOurResource_NamesTheOffendingField(string json, string path)
    {
        ManifestValidator.Validate(JsonNode.Parse(json)).Should().ContainSingle().Which.Path.Should().Be(path);
    }

    [Test]
    public void Validate_MissingSpec_IsRequired()
    {
        var errors = ManifestValidator.Validate(JsonNode.Parse("""{"apiVersion":"slmfleet.io/v1alpha1","kind":"RoutingPolicy","metadata":{"name":"x"}}"""));

        errors.Select(e => e.Message).Should().Equal("spec: Required value");
    }
}
