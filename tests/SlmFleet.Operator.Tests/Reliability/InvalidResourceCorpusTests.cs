using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.Yaml;
using SlmFleet.Operator.Crds;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Reliability;

/// <summary>
/// Invalid custom resources made by mutating the valid examples one field at a time: every mutant must
/// be rejected with an error that names the mutated field (or its parent, for a missing field). The
/// corpus is listed in <see cref="Mutations"/>; the counting test holds it at 50 or more.
/// </summary>
[TestFixture]
public sealed class InvalidResourceCorpusTests
{
    private const string Slmd = "slmdeployment-qwen2.5-1.5b-t4.yaml";
    private const string Rp = "routingpolicy-gpt4o-fallback.yaml";

    /// <summary>(example file, JSON path to set, new JSON value or null to remove, field the error must name).</summary>
    private static readonly (string File, string Path, string? Value, string Expect)[] Mutations =
    [
        // SlmDeployment: types.
        (Slmd, "spec.minReplicas", "\"one\"", "spec.minReplicas"),
        (Slmd, "spec.maxReplicas", "true", "spec.maxReplicas"),
        (Slmd, "spec.model.contextLength", "\"8k\"", "spec.model.contextLength"),
        (Slmd, "spec.model.parametersBillions", "[1.5]", "spec.model.parametersBillions"),
        (Slmd, "spec.model.name", "42", "spec.model.name"),
        (Slmd, "spec.model.source", "\"hf://x/y\"", "spec.model.source"),
        (Slmd, "spec.accelerator", "\"nvidia-t4\"", "spec.accelerator"),
        (Slmd, "spec.accelerator.count", "1.5", "spec.accelerator.count"),
        (Slmd, "spec.autoscaling.enabled", "\"yes\"", "spec.autoscaling.enabled"),
        (Slmd, "spec.autoscaling.targetUtilizationLow", "\"60%\"", "spec.autoscaling.targetUtilizationLow"),
        (Slmd, "spec.warmup.prompts", "\"hello\"", "spec.warmup.prompts"),
        (Slmd, "spec.warmup.prompts[0]", "{}", "spec.warmup.prompts[0]"),
        (Slmd, "spec.runtime.maxBatchSize", "\"16\"", "spec.runtime.maxBatchSize"),
        (Slmd, "spec.costPerHour", "\"$0.53\"", "spec.costPerHour"),
        (Slmd, "spec", "[]", "spec"),
        // SlmDeployment: enums and formats.
        (Slmd, "spec.model.quantization", "\"fp8\"", "spec.model.quantization"),
        (Slmd, "spec.model.format", "\"gguf\"", "spec.model.format"),
        (Slmd, "spec.accelerator.type", "\"nvidia-h100\"", "spec.accelerator.type"),
        (Slmd, "spec.accelerator.type", "\"\"", "spec.accelerator.type"),
        (Slmd, "spec.runtime.executionProvider", "\"rocm\"", "spec.runtime.executionProvider"),
        (Slmd, "spec.model.source.uri", "\"s3://bucket/model\"", "spec.model.source.uri"),
        (Slmd, "spec.model.source.uri", "\"\"", "spec.model.source.uri"),
        (Slmd, "spec.model.name", "\"Has Spaces And CAPS\"", "spec.model.name"),
        (Slmd, "spec.model.name", "\"" + new string('a', 300) + "\"", "spec.model.name"),
        // SlmDeployment: ranges.
        (Slmd, "spec.minReplicas", "-1", "spec.minReplicas"),
        (Slmd, "spec.maxReplicas", "-5", "spec.maxReplicas"),
        (Slmd, "spec.maxReplicas", "0", "spec.maxReplicas"),
        (Slmd, "spec.accelerator.count", "0", "spec.accelerator.count"),
        (Slmd, "spec.accelerator.count", "-2", "spec.accelerator.count"),
        (Slmd, "spec.model.contextLength", "0", "spec.model.contextLength"),
        (Slmd, "spec.model.contextLength", "-8192", "spec.model.contextLength"),
        (Slmd, "spec.model.parametersBillions", "-1", "spec.model.parametersBillions"),
        (Slmd, "spec.autoscaling.targetUtilizationLow", "1.5", "spec.autoscaling.targetUtilizationLow"),
        (Slmd, "spec.autoscaling.targetUtilizationHigh", "-0.1", "spec.autoscaling.targetUtilizationHigh"),
        (Slmd, "spec.warmup.timeoutSeconds", "-1", "spec.warmup.timeoutSeconds"),
        (Slmd, "spec.runtime.maxBatchSize", "0", "spec.runtime.maxBatchSize"),
        (Slmd, "spec.runtime.maxNewTokens", "-256", "spec.runtime.maxNewTokens"),
        (Slmd, "spec.costPerHour", "-0.5", "spec.costPerHour"),
        (Slmd, "spec.model.architecture.layers", "0", "spec.model.architecture.layers"),
        (Slmd, "spec.minReplicas", "2147483648", "spec.minReplicas"),
        // SlmDeployment: required fields and unknown fields.
        (Slmd, "spec.model", null, "spec.model"),
        (Slmd, "spec.model.name", null, "spec.model.name"),
        (Slmd, "spec.model.source.uri", null, "spec.model.source.uri"),
        (Slmd, "spec.accelerator.type", null, "spec.accelerator.type"),
        (Slmd, "spec.replicaz", "3", "spec.replicaz"),
        (Slmd, "spec.model.sauce", "{}", "spec.model.sauce"),
        (Slmd, "spec.runtime.threads", "4", "spec.runtime.threads"),
        // SlmDeployment: cross-field rules.
        (Slmd, "spec.minReplicas", "7", "spec.maxReplicas"), // the min <= max rule is reported on maxReplicas
        (Slmd, "spec.autoscaling.targetUtilizationLow", "0.9", "spec.autoscaling"),

        // RoutingPolicy: types.
        (Rp, "spec.modelAlias", "7", "spec.modelAlias"),
        (Rp, "spec.rules", "{}", "spec.rules"),
        (Rp, "spec.rules[0].match.taskTypes", "\"classification\"", "spec.rules[0].match.taskTypes"),
        (Rp, "spec.escalation.confidenceThreshold", "\"high\"", "spec.escalation.confidenceThreshold"),
        (Rp, "spec.escalation.onTimeout", "\"true\"", "spec.escalation.onTimeout"),
        (Rp, "spec.shadow.sampleRate", "\"5%\"", "spec.shadow.sampleRate"),
        (Rp, "spec.llm.inputPricePerMillionTokens", "\"2.50\"", "spec.llm.inputPricePerMillionTokens"),
        (Rp, "spec.slm.timeoutMilliseconds", "\"8s\"", "spec.slm.timeoutMilliseconds"),
        // RoutingPolicy: enums, formats, ranges.
        (Rp, "spec.defaultTarget", "\"gpu\"", "spec.defaultTarget"),
        (Rp, "spec.rules[1].target", "\"both\"", "spec.rules[1].target"),
        (Rp, "spec.escalation.confidenceAggregate", "\"median\"", "spec.escalation.confidenceAggregate"),
        (Rp, "spec.shadow.judge", "\"human\"", "spec.shadow.judge"),
        (Rp, "spec.budget.whenExhausted", "\"panic\"", "spec.budget.whenExhausted"),
        (Rp, "spec.llm.baseUrl", "\"not a url\"", "spec.llm.baseUrl"),
        (Rp, "spec.llm.baseUrl", "\"file:///etc/passwd\"", "spec.llm.baseUrl"),
        (Rp, "spec.escalation.confidenceThreshold", "-0.01", "spec.escalation.confidenceThreshold"),
        (Rp, "spec.shadow.sampleRate", "1.5", "spec.shadow.sampleRate"),
        (Rp, "spec.budget.monthlyUsd", "-1", "spec.budget.monthlyUsd"),
        (Rp, "spec.budget.alertFraction", "2", "spec.budget.alertFraction"),
        (Rp, "spec.llm.outputPricePerMillionTokens", "-10", "spec.llm.outputPricePerMillionTokens"),
        (Rp, "spec.escalation.schemaRetries", "-1", "spec.escalation.schemaRetries"),
        (Rp, "spec.slm.timeoutMilliseconds", "0", "spec.slm.timeoutMilliseconds"),
        (Rp, "spec.rules[0].match.maxPromptTokens", "-3", "spec.rules[0].match.maxPromptTokens"),
        (Rp, "spec.rules[0].name", "\"Has Caps\"", "spec.rules[0].name"),
        // RoutingPolicy: required, unknown, cross-field.
        (Rp, "spec.modelAlias", null, "spec.modelAlias"),
        (Rp, "spec.llm.baseUrl", null, "spec.llm.baseUrl"),
        (Rp, "spec.slm.deploymentRef", null, "spec.slm.deploymentRef"),
        (Rp, "spec.llm.apiKey", "\"sk-inline\"", "spec.llm.apiKey"),
        (Rp, "spec.rules[2].priority", "1", "spec.rules[2].priority"),
        (Rp, "spec.rules[1].name", "\"classification\"", "spec.rules"),
        (Rp, "spec.rules[3].match.maxPromptTokens", "10", "spec.rules[3].match"),

        // Both: envelope.
        (Slmd, "apiVersion", "\"slmfleet.io/v1\"", "apiVersion"),
        (Rp, "apiVersion", "\"v1\"", "apiVersion"),
        (Slmd, "kind", "\"SlmDeploy\"", "kind"),
        (Rp, "kind", "null", "kind"),
    ];

    private static IEnumerable<TestCaseData> Cases() =>
        Mutations.Select((m, i) => new TestCaseData(m.File, m.Path, m.Value, m.Expect)
            .SetArgDisplayNames($"{i:D2} {(m.File == Slmd ? "slmd" : "rp")} {m.Path}={Shorten(m.Value)}"));

    [TestCaseSource(nameof(Cases))]
    public void Validate_MutatedExample_RejectedNamingTheField(string file, string path, string? value, string expect)
    {
        // Arrange
        var manifest = Load(file);
        Mutate(manifest, path, value);

        // Act
        var errors = ManifestValidator.Validate(manifest);

        // Assert
        errors.Should().NotBeEmpty($"mutating {path} to {Shorten(value)} must be rejected");
        errors.Should().Contain(e => e.Path == expect || e.Path.StartsWith(expect + ".", StringComparison.Ordinal) || e.Path.StartsWith(expect + "[", StringComparison.Ordinal),
            $"the error must name {expect}; errors were: {string.Join(" | ", errors)}");
        errors.Should().OnlyContain(e => e.Message.StartsWith(e.Path.Length == 0 ? "<root>" : e.Path, StringComparison.Ordinal), "every message starts with the field it is about");
    }

    [Test]
    public void Corpus_AtLeastFiftyInvalidResources_AllRejected()
    {
        // Arrange + Act
        var rejected = Mutations.Count(m =>
        {
            var manifest = Load(m.File);
            Mutate(manifest, m.Path, m.Value);
            return ManifestValidator.Validate(manifest).Count > 0;
        });
        var files = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "examples", "invalid"), "*.yaml");
        var filesRejected = files.Count(f => ManifestValidator.Validate(YamlReader.Read(File.ReadAllText(f))).Count > 0);
        TestContext.Out.WriteLine($"RELIABILITY invalid-resources mutated={Mutations.Length} rejected={rejected} files={files.Length} filesRejected={filesRejected}");

        // Assert
        Mutations.Length.Should().BeGreaterThanOrEqualTo(50);
        rejected.Should().Be(Mutations.Length);
        filesRejected.Should().Be(files.Length);
    }

    private static JsonNode Load(string file) =>
        YamlReader.Read(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "examples", file)))!;

    /// <summary>Sets (or, with a null value, removes) the node at a dotted path with [i] indexes; parents must exist.</summary>
    private static void Mutate(JsonNode root, string path, string? value)
    {
        var segments = path.Replace("[", ".[", StringComparison.Ordinal).Split('.');
        var parent = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            parent = Child(parent, segments[i]) ?? throw new InvalidOperationException($"{path}: '{segments[i]}' is missing in the example");
        }

        var last = segments[^1];
        var replacement = value is null ? null : JsonNode.Parse(value);
        if (last.StartsWith('['))
        {
            var array = parent.AsArray();
            var index = int.Parse(last[1..^1], System.Globalization.CultureInfo.InvariantCulture);
            array[index] = replacement;
        }
        else if (value is null)
        {
            parent.AsObject().Remove(last);
        }
        else
        {
            parent.AsObject()[last] = replacement;
        }
    }

    private static JsonNode? Child(JsonNode node, string segment) =>
        segment.StartsWith('[') ? node.AsArray()[int.Parse(segment[1..^1], System.Globalization.CultureInfo.InvariantCulture)] : node.AsObject()[segment];

    private static string Shorten(string? value) => value is null ? "(removed)" : value.Length > 24 ? value[..24] + "…" : value;
}
