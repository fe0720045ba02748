using System.Diagnostics;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Crds;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Crds;

/// <summary>
/// Runs the real kubectl against the committed CRDs (`kubectl create --dry-run=client -o name -f crds/`).
/// A client-side dry run still needs discovery and the OpenAPI document from a server; a loopback
/// stand-in provides them, so the check runs without a cluster. Like a real 1.27+ server the stand-in
/// advertises server-side field validation, so kubectl checks parsing and kind mapping here and the
/// schema check is CrdApiSchemaTests'. Skipped when kubectl is not installed.
/// </summary>
[TestFixture]
public sealed class KubectlDryRunTests
{
    private string _work = string.Empty;

    [SetUp]
    public void SetUp()
    {
        if (FindKubectl() is null)
        {
            Assert.Ignore("kubectl is not on PATH");
        }

        _work = Directory.CreateTempSubdirectory("slm-kubectl-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_work.Length > 0)
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Test]
    public async Task CreateDryRun_CommittedCrds_AcceptedByKubectl()
    {
        using var server = new KubectlStandInServer();

        var (exitCode, output) = await RunKubectlAsync(server, Path.Combine(TestPaths.RepositoryRoot, "crds"));

        exitCode.Should().Be(0, $"kubectl said: {output}; requests: {string.Join(", ", server.Requests)}");
        output.Should().Contain("customresourcedefinition.apiextensions.k8s.io/slmdeployments.slmfleet.io")
            .And.Contain("customresourcedefinition.apiextensions.k8s.io/routingpolicies.slmfleet.io");
    }

    [Test]
    public async Task CreateDryRun_UnknownKind_RejectedByKubectl()
    {
        // Proves kubectl really maps kinds through the stand-in's discovery rather than accepting anything.
        var broken = CrdGenerator.Generate()[0].Content.Replace("kind: CustomResourceDefinition", "kind: CustomResourceDefinitio", StringComparison.Ordinal);
        var file = Path.Combine(_work, "broken.yaml");
        await File.WriteAllTextAsync(file, broken);
        using var server = new KubectlStandInServer();

        var (exitCode, output) = await RunKubectlAsync(server, file);

        exitCode.Should().NotBe(0);
        output.Should().Contain("broken.yaml");
    }

    private async Task<(int ExitCode, string Output)> RunKubectlAsync(KubectlStandInServer server, string path)
    {
        var kubeconfig = Path.Combine(_work, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, string.Empty);
        var start = new ProcessStartInfo(FindKubectl()!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "create", "--dry-run=client", "-o", "name", "--server", server.Url, "--cache-dir", Path.Combine(_work, "cache"), "-f", path })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["KUBECONFIG"] = kubeconfig;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? FindKubectl() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);
}
