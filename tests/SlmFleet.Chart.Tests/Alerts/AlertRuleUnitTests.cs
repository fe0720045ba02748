using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Chart.Tests.Infrastructure;
using SlmFleet.Testing;

namespace SlmFleet.Chart.Tests.Alerts;

/// <summary>
/// The chart's alert rules judged by Prometheus itself: <c>promtool check rules</c> on the rendered
/// rules (expressions and annotation templates), and <c>promtool test rules</c> with
/// <c>alerts.test.yaml</c>, where every alert has series that make it fire and series that must not.
/// </summary>
[TestFixture]
public sealed partial class AlertRuleUnitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static string TestFile => Path.Combine(TestPaths.RepositoryRoot, "tests", "SlmFleet.Chart.Tests", "Alerts", "alerts.test.yaml");

    /// <summary>promtool from env PROMTOOL (set by the Makefile) or &lt;repo&gt;/.tools/promtool.</summary>
    private static string Promtool
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("PROMTOOL");
            var candidate = string.IsNullOrWhiteSpace(configured) ? Path.Combine(TestPaths.RepositoryRoot, ".tools", "promtool") : configured;
            if (!File.Exists(candidate))
            {
                Assert.Fail($"promtool not found at '{candidate}' (env PROMTOOL or <repo>/.tools/promtool): run `make tools` first.");
            }

            return candidate;
        }
    }

    private static IEnumerable<TestCaseData> Scenarios() =>
        new[] { RenderScenario.DefaultWithMonitoring, RenderScenario.GpuProduction }.Select(s => new TestCaseData(s.Name).SetArgDisplayNames(s.Name));

    [TestCaseSource(nameof(Scenarios))]
    public void CheckRules_RenderedRules_ArePrometheusValid(string scenario)
    {
        using var folder = new TemporaryFolder();
        var rules = WriteRules(RenderedChart.For(RenderScenario.All.Single(s => s.Name == scenario)), folder.Path, keepAnnotations: true);

        var (exitCode, output) = Run("check", "rules", rules);

        exitCode.Should().Be(0, output);
    }

    [Test]
    public void TestRules_EveryAlert_FiresWhenItShouldAndOnlyThen()
    {
        using var folder = new TemporaryFolder();
        WriteRules(RenderedChart.For(RenderScenario.DefaultWithMonitoring), folder.Path, keepAnnotations: false);
        var tests = Path.Combine(folder.Path, "alerts.test.yaml");
        File.Copy(TestFile, tests);

        var (exitCode, output) = Run("test", "rules", tests);

        exitCode.Should().Be(0, output);
        output.Should().Contain("SUCCESS");
    }

    [Test]
    public void TestFile_CoversEveryAlert_WithAFiringAndASilentCase()
    {
        var alerts = RuleObjects(RenderedChart.For(RenderScenario.DefaultWithMonitoring)).Select(r => r["alert"]!.GetValue<string>()).ToHashSet();
        var text = File.ReadAllText(TestFile);
        var cases = AlertCase().Matches(text).Select(m => (Alert: m.Groups["alert"].Value, Fires: m.Groups["expected"].Value.Trim() != "[]")).ToList();

        var missing = alerts.Where(a => !cases.Any(c => c.Alert == a && c.Fires)).ToList();
        missing.Should().BeEmpty("every alert needs a case where it fires");
        var silentCovered = alerts.Where(a => cases.Any(c => c.Alert == a && !c.Fires)
            || SilentSeriesInFiringCase(text, a)).ToList();
        silentCovered.Should().BeEquivalentTo(alerts, "every alert needs a case where it must stay silent (exp_alerts: [] or other series in a firing case)");
    }

    // A firing case also proves silence when its input holds series of other deployments/models that
    // must not fire: exp_alerts lists exactly the alerts expected, so any extra one fails the case.
    private static bool SilentSeriesInFiringCase(string text, string alert)
    {
        foreach (Match block in TestCaseBlock().Matches(text))
        {
            var body = block.Value;
            if (!body.Contains($"alertname: {alert}\n", StringComparison.Ordinal))
            {
                continue;
            }

            var seriesSets = SeriesLabelSet().Matches(body).Select(m => m.Groups["owner"].Value).Distinct().Count();
            if (seriesSets > 1)
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<JsonObject> RuleObjects(RenderedChart chart) =>
        from rule in chart.OfKind("PrometheusRule")
        from @group in rule.Content["spec"]!["groups"]!.AsArray()
        from item in @group!["rules"]!.AsArray()
        select item!.AsObject();

    /// <summary>Writes the PrometheusRule's groups as a Prometheus rule file (JSON is YAML) and returns its path.</summary>
    private static string WriteRules(RenderedChart chart, string folder, bool keepAnnotations)
    {
        var rule = chart.OfKind("PrometheusRule").Single();
        var groups = rule.Content["spec"]!["groups"]!.DeepClone().AsArray();
        if (!keepAnnotations)
        {
            // promtool compares annotations verbatim; the prose is checked by `check rules` and the chart tests.
            foreach (var item in groups.SelectMany(g => g!["rules"]!.AsArray()))
            {
                item!.AsObject().Remove("annotations");
            }
        }

        var path = Path.Combine(folder, "rules.json");
        File.WriteAllText(path, new JsonObject { ["groups"] = groups }.ToJsonString());
        return path;
    }

    private static (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Promtool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"promtool {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"alertname: (?<alert>\w+)\n\s+exp_alerts:(?<expected>[^\n]*)")]
    private static partial Regex AlertCase();

    [GeneratedRegex(@"  - name: [\s\S]*?(?=\n  - name: |\z)")]
    private static partial Regex TestCaseBlock();

    [GeneratedRegex(@"(?:deployment|model|controller)=""(?<owner>[^""]+)""")]
    private static partial Regex SeriesLabelSet();

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("slm-fleet-alerts-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
