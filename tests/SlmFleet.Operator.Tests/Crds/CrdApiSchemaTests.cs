using System.Text.Json.Nodes;
using FluentAssertions;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Yaml;
using SlmFleet.Operator.Crds;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Crds;

/// <summary>
/// Checks the committed CRD files against the apiextensions.k8s.io/v1 CustomResourceDefinition
/// types (as modelled by KubernetesClient): a misspelt or mistyped CRD field fails here instead of
/// at install time.
/// </summary>
[TestFixture]
public sealed class CrdApiSchemaTests
{
    private static readonly JsonNode CrdSchema = BuildSchema();

    private static JsonNode BuildSchema()
    {
        var document = ModelOpenApi.Document(typeof(V1CustomResourceDefinition), "apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions");
        document["$ref"] = "#/components/schemas/" + ModelOpenApi.Name(typeof(V1CustomResourceDefinition));
        return document;
    }

    private static IEnumerable<string> CrdFiles() =>
        Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "crds"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [TestCaseSource(nameof(CrdFiles))]
    public void CommittedCrd_MatchesCustomResourceDefinitionTypes(string file)
    {
        var crd = YamlReader.Read(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "crds", file)));

        SchemaValidator.Validate(crd, CrdSchema, SchemaDialect.Kubernetes).Select(e => e.Message).Should().BeEmpty();
    }

    [Test]
    public void CrdWithMisspeltField_IsRejectedNamingIt()
    {
        var crd = CrdGenerator.Crd(CrdGenerator.ResourceTypes[0]);
        var version = (JsonObject)crd["spec"]!["versions"]![0]!;
        version["additionalPrinterColums"] = version["additionalPrinterColumns"]!.DeepClone();

        var errors = SchemaValidator.Validate(crd, CrdSchema, SchemaDialect.Kubernetes);

        errors.Select(e => e.Path).Should().Equal("spec.versions[0].additionalPrinterColums");
    }

    [Test]
    public void CrdWithMistypedField_IsRejectedNamingIt()
    {
        var crd = CrdGenerator.Crd(CrdGenerator.ResourceTypes[0]);
        crd["spec"]!["versions"]![0]!["served"] = "yes";

        var errors = SchemaValidator.Validate(crd, CrdSchema, SchemaDialect.Kubernetes);

        errors.Select(e => e.Path).Should().Equal("spec.versions[0].served");
    }
}
