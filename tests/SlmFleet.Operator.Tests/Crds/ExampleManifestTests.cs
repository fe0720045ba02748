using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.Yaml;
using SlmFleet.Operator.Crds;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Crds;

[TestFixture]
public sealed class ExampleManifestTests
{
    private static string Examples => Path.Combine(TestPaths.RepositoryRoot, "examples");

    private static IEnumerable<TestCaseData> ValidExamples() =>
        Directory.GetFiles(Examples, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetArgDisplayNames(Path.GetFileName(f)));

    private static IEnumerable<TestCaseData> InvalidExamples() =>
        Directory.GetFiles(Path.Combine(Examples, "invalid"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetArgDisplayNames(Path.GetFileName(f)));

    [TestCaseSource(nameof(ValidExamples))]
    public void Example_ValidatesAgainstGeneratedSchemaAndCrossFieldRules(string file)
    {
        var documents = YamlReader.ReadAll(File.ReadAllText(Path.Combine(Examples, file)));

        documents.Should().NotBeEmpty();
        foreach (var document in documents)
        {
            ManifestValidator.Validate(document).Select(e => e.Message).Should().BeEmpty();
        }
    }

    [TestCaseSource(nameof(InvalidExamples))]
    public void InvalidExample_IsRejectedNamingTheExpectedField(string file)
    {
        var text = File.ReadAllText(Path.Combine(Examples, "invalid", file));
        var firstLine = text.Split('\n')[0];
        firstLine.Should().StartWith("# expect: ", "each invalid example names the field its error must name");
        var expectedPath = firstLine["# expect: ".Length..].Trim();

        var errors = ManifestValidator.Validate(YamlReader.Read(text));

        errors.Should().NotBeEmpty();
        errors.Should().Contain(e => e.Path == expectedPath, $"errors were: {string.Join(" | ", errors)}");
        errors.First(e => e.Path == expectedPath).Message.Should().StartWith(expectedPath + ": ");
    }

    [Test]
    public void InvalidExamples_AreAtLeastTwenty()
    {
        InvalidExamples().Should().HaveCountGreaterThanOrEqualTo(20);
    }

    [Test]
    public void UnsupportedAccelerator_MessageListsTheSupportedValues()
    {
        var errors = ManifestValidator.Validate(YamlReader.Read(File.ReadAllText(Path.Combine(Examples, "invalid", "slmd-unsupported-accelerator.yaml"))));

        errors.Select(e => e.Message).Should().Equal(
            "spec.accelerator.type: Unsupported value: \"nvidia-h100\": supported values: \"nvidia-t4\", \"nvidia-a10g\", \"nvidia-l4\", \"cpu\"");
    }
}
