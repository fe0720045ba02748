using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Testing;

namespace SlmFleet.Api.Tests;

[TestFixture]
public sealed class RepositoryLayoutTests
{
    [TestCase("crds")]
    [TestCase("charts/slm-fleet")]
    [TestCase("examples")]
    public void RepositoryRoot_HasDesignFolder(string folder)
    {
        Directory.Exists(Path.Combine(TestPaths.RepositoryRoot, folder)).Should().BeTrue();
    }
}
