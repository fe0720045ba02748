using System.CommandLine;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Commands;
using SlmFleet.Operator.Crds;

namespace SlmFleet.Operator.Tests.Crds;

[TestFixture]
public sealed class CrdsCommandTests
{
    private string _folder = string.Empty;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("slm-crds-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task Invoke_WithOutputAndDocs_WritesGeneratedFiles()
    {
        var root = new RootCommand { CrdsCommand.Create() };
        var output = Path.Combine(_folder, "out");
        var docs = Path.Combine(_folder, "docs", "crds.md");

        var exitCode = await root.Parse(["crds", "--output", output, "--docs", docs]).InvokeAsync();

        exitCode.Should().Be(0);
        foreach (var file in CrdGenerator.Generate())
        {
            (await File.ReadAllTextAsync(Path.Combine(output, file.FileName))).Should().Be(file.Content);
        }

        (await File.ReadAllTextAsync(docs)).Should().Contain("## SlmDeployment").And.Contain("## RoutingPolicy");
    }

    [Test]
    public async Task Invoke_WithoutOutput_FailsNamingTheOption()
    {
        var root = new RootCommand { CrdsCommand.Create() };
        var error = new StringWriter();

        var exitCode = await root.Parse(["crds"]).InvokeAsync(new InvocationConfiguration { Error = error, Output = new StringWriter() });

        exitCode.Should().NotBe(0);
        error.ToString().Should().Contain("--output");
    }
}
