using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using NUnit.Framework;
using SlmFleet.Api.Yaml;

namespace SlmFleet.Chart.Tests.Infrastructure;

/// <summary>The output of `helm template` for one scenario, split into documents. Rendered once per scenario.</summary>
internal sealed class RenderedChart
{
    private static readonly ConcurrentDictionary<string, Lazy<RenderedChart>> Cache = new();

    private RenderedChart(RenderScenario scenario, string output, IReadOnlyList<RenderedDocument> documents)
    {
        Scenario = scenario;
        Output = output;
        Documents = documents;
    }

    public RenderScenario Scenario { get; }

    public string Output { get; }

    public IReadOnlyList<RenderedDocument> Documents { get; }

    public static RenderedChart For(RenderScenario scenario) =>
        Cache.GetOrAdd(scenario.Name, _ => new Lazy<RenderedChart>(() => Render(scenario, Helm.ChartDirectory))).Value;

    /// <summary>Renders the real chart for a scenario with extra <c>--set</c> style arguments, without caching.</summary>
    public static RenderedChart With(RenderScenario scenario, params string[] extraArguments)
    {
        var result = TryRender(scenario, Helm.ChartDirectory, extraArguments);
        if (result.ExitCode != 0)
        {
            Assert.Fail($"helm template failed for {scenario.Name} with {string.Join(' ', extraArguments)}: {result.StandardError}");
        }

        return new RenderedChart(scenario, result.StandardOutput, Parse(result.StandardOutput));
    }

    /// <summary>Renders a chart directory (the real one, or a modified copy) without caching.</summary>
    public static RenderedChart Render(RenderScenario scenario, string chartDirectory)
    {
        var result = TryRender(scenario, chartDirectory);
        if (result.ExitCode != 0)
        {
            Assert.Fail($"helm template ({scenario}) failed: {result.Describe()}");
        }

        return new RenderedChart(scenario, result.StandardOutput, Parse(result.StandardOutput));
    }

    public static HelmResult TryRender(RenderScenario scenario, string chartDirectory, params string[] extraArguments) =>
        Helm.Run(
        [
            "template", RenderScenario.ReleaseName, chartDirectory,
            "--namespace", RenderScenario.ReleaseNamespace,
            "--include-crds",
            .. scenario.Arguments,
            .. extraArguments,
        ]);

    public IEnumerable<RenderedDocument> OfKind(string kind) => Documents.Where(d => d.Kind == kind);

    public RenderedDocument Single(string kind, string name)
    {
        var matches = Documents.Where(d => d.Kind == kind && d.Name == name).ToList();
        if (matches.Count != 1)
        {
            Assert.Fail($"expected one {kind} named {name} in scenario {Scenario}, found {matches.Count}; rendered: "
                + string.Join(", ", Documents.Select(d => $"{d.Kind}/{d.Name}")));
        }

        return matches[0];
    }

    private static List<RenderedDocument> Parse(string output)
    {
        var documents = new List<RenderedDocument>();
        foreach (var chunk in SplitDocuments(output))
        {
            var source = chunk.Split('\n')
                .FirstOrDefault(line => line.StartsWith("# Source: ", StringComparison.Ordinal))?["# Source: ".Length..]
                ?? "(unknown template)";
            IReadOnlyList<JsonNode?> nodes = [];
            try
            {
                // The operator's reader types scalars as Kubernetes does (YAML 1.1; defaultMode: 0440 is octal).
                nodes = YamlReader.ReadAll(chunk);
            }
            catch (Exception exception) when (exception is YamlDotNet.Core.YamlException or InvalidOperationException)
            {
                Assert.Fail($"{source} rendered invalid YAML: {exception.Message}\n{chunk}");
            }

            documents.AddRange(nodes.OfType<JsonObject>().Select(content => new RenderedDocument(source, content)));
        }

        return documents;
    }

    private static IEnumerable<string> SplitDocuments(string output)
    {
        var current = new List<string>();
        foreach (var line in output.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line == "---")
            {
                yield return string.Join('\n', current);
                current.Clear();
                continue;
            }

            current.Add(line);
        }

        yield return string.Join('\n', current);
    }
}
