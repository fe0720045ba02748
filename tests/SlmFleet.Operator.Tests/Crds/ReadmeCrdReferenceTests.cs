using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Crds;

/// <summary>
/// docs/reference/custom-resources.md carries the CRD reference that <c>slm-operator crds --docs</c> generates into
/// docs/crds.md (itself drift-tested against the types): every field row must appear there
/// unchanged, so a field added to the types but not to the README fails here.
/// </summary>
[TestFixture]
public sealed class ReadmeCrdReferenceTests
{
    [Test]
    public void Readme_ContainsEveryFieldRowOfTheGeneratedReference()
    {
        var generated = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "docs", "crds.md"));
        var readme = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "docs", "reference", "custom-resources.md")).ToHashSet(StringComparer.Ordinal);
        var rows = generated.Where(line => line.StartsWith("| `", StringComparison.Ordinal)).ToList();

        rows.Should().HaveCountGreaterThan(50, "both CRDs have that many documented fields");
        rows.Where(row => !readme.Contains(row)).Should().BeEmpty("docs/reference/custom-resources.md must carry the generated CRD reference (copy docs/crds.md after `make crds`)");
    }
}
