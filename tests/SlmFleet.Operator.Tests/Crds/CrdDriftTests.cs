using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Crds;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Crds;

[TestFixture]
public sealed class CrdDriftTests
{
    private const string Fix = "the committed file differs from the generator's output: run `make crds` and commit the result";

    [TestCase("crds")]
    [TestCase("charts/slm-fleet/crds")]
    public void CommittedCrds_MatchGeneratorOutput(string folder)
    {
        var generated = CrdGenerator.Generate();

        foreach (var file in generated)
        {
            var path = Path.Combine(TestPaths.RepositoryRoot, folder, file.FileName);
            File.Exists(path).Should().BeTrue($"{folder}/{file.FileName} must exist; run `make crds`");
            File.ReadAllText(path).Should().Be(file.Content, $"{folder}/{file.FileName}: {Fix}");
        }
    }

    [TestCase("crds")]
    [TestCase("charts/slm-fleet/crds")]
    public void CrdFolders_HoldNoStaleFiles(string folder)
    {
        var expected = CrdGenerator.Generate().Select(f => f.FileName).Order(StringComparer.Ordinal);

        var actual = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, folder), "*.yaml")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal);

        actual.Should().Equal(expected, $"{folder} should hold exactly the generated CRDs; remove stale files and run `make crds`");
    }

    [Test]
    public void CrdReference_MatchesGeneratorOutput()
    {
        var expected = CrdDocsWriter.Write(CrdGenerator.ResourceTypes.Select(CrdGenerator.Crd));

        var actual = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "crds.md"));

        actual.Should().Be(expected, $"docs/crds.md: {Fix} (`slm-operator crds --output crds --docs docs/crds.md`)");
    }

    [Test]
    public void Generate_RunTwice_IsByteIdentical()
    {
        var first = CrdGenerator.Generate();

        var second = CrdGenerator.Generate();

        second.Should().Equal(first);
        first.Should().OnlyContain(f => f.Content.StartsWith(CrdGenerator.Header, StringComparison.Ordinal));
    }
}
