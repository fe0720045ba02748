using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api;
using SlmFleet.Api.Schema;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Api.Validation;
using SlmFleet.Operator.Crds;

namespace SlmFleet.Operator.Tests.Crds;

[TestFixture]
public sealed class CrdSchemaShapeTests
{
    private static IEnumerable<Type> ResourceTypes() => CrdGenerator.ResourceTypes;

    private static JsonObject Schema(Type type) =>
        (JsonObject)CrdGenerator.Crd(type)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

    private static IEnumerable<(string Path, JsonObject Schema)> Walk(JsonObject schema, string path)
    {
        yield return (path, schema);
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                foreach (var inner in Walk((JsonObject)child!, $"{path}.{name}"))
                {
                    yield return inner;
                }
            }
        }

        foreach (var key in new[] { "items", "additionalProperties" })
        {
            if (schema[key] is JsonObject child)
            {
                foreach (var inner in Walk(child, $"{path}[{key}]"))
                {
                    yield return inner;
                }
            }
        }
    }

    [TestCaseSource(nameof(ResourceTypes))]
    public void Schema_EveryNode_DeclaresType(Type type)
    {
        var untyped = Walk(Schema(type), string.Empty).Where(n => n.Schema["type"] is null).Select(n => n.Path);

        untyped.Should().BeEmpty("a structural schema declares a type on every node");
    }

    [TestCaseSource(nameof(ResourceTypes))]
    public void Schema_EveryObjectBelowRoot_DeclaresItsFields(Type type)
    {
        var open = Walk(Schema(type), string.Empty)
            .Where(n => n.Path != ".metadata" && n.Schema["type"]?.GetValue<string>() == "object")
            .Where(n => n.Schema["properties"] is null && n.Schema["additionalProperties"] is null)
            .Select(n => n.Path);

        open.Should().BeEmpty("every object lists its properties (or is a map) so unknown fields are pruned");
    }

    [TestCaseSource(nameof(ResourceTypes))]
    public void Schema_PreserveUnknownFields_OnlyWhereMarked(Type type)
    {
        var marked = typeof(ApiGroup).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties())
            .Where(p => p.GetCustomAttribute<PreserveUnknownFieldsAttribute>() is not null)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name)
            .ToHashSet(StringComparer.Ordinal);

        var preserved = Walk(Schema(type), string.Empty)
            .Where(n => n.Schema.ContainsKey("x-kubernetes-preserve-unknown-fields"))
            .Select(n => n.Path[(n.Path.LastIndexOf('.') + 1)..]);

        preserved.Where(name => !marked.Contains(name)).Should().BeEmpty("only [PreserveUnknownFields] properties may keep unknown fields");
    }

    [TestCaseSource(nameof(ResourceTypes))]
    public void Schema_EverySpecAndStatusField_HasDescription(Type type)
    {
        var undocumented = Walk(Schema(type), string.Empty)
            .Where(n => (n.Path.StartsWith(".spec", StringComparison.Ordinal) || n.Path.StartsWith(".status", StringComparison.Ordinal)) && !n.Path.EndsWith(']'))
            .Where(n => n.Schema["description"] is null)
            .Select(n => n.Path);

        undocumented.Should().BeEmpty("XML docs become `kubectl explain` text");
    }

    [TestCaseSource(nameof(ResourceTypes))]
    public void Schema_EveryDefault_SatisfiesItsOwnSchema(Type type)
    {
        // The API server rejects a CRD whose defaults do not validate.
        foreach (var (path, schema) in Walk(Schema(type), string.Empty).Where(n => n.Schema.ContainsKey("default")))
        {
            var withoutDefault = (JsonObject)schema.DeepClone();
            withoutDefault.Remove("default");

            SchemaValidator.Validate(schema["default"], withoutDefault, SchemaDialect.Kubernetes).Should().BeEmpty(path);
        }
    }

    [TestCaseSource(nameof(ResourceTypes))]
    public void PrinterColumns_PointAtDeclaredFields(Type type)
    {
        var columns = (JsonArray)CrdGenerator.Crd(type)["spec"]!["versions"]![0]!["additionalPrinterColumns"]!;
        var schema = Schema(type);

        foreach (var column in columns)
        {
            var jsonPath = column!["jsonPath"]!.GetValue<string>();
            if (jsonPath.StartsWith(".metadata.", StringComparison.Ordinal))
            {
                // ObjectMeta belongs to the API server, not to our schema.
                continue;
            }

            var node = Resolve(schema, jsonPath);
            node.Should().NotBeNull($"printer column {column["name"]} points at {jsonPath}");
            node!["type"]!.GetValue<string>().Should().Be(column["type"]!.GetValue<string>(), jsonPath);
        }
    }

    [Test]
    public void SlmDeployment_PrinterColumns_ShowModelAcceleratorReplicasUtilizationCostAge()
    {
        var columns = (JsonArray)CrdGenerator.Crd(typeof(V1Alpha1SlmDeployment))["spec"]!["versions"]![0]!["additionalPrinterColumns"]!;

        columns.Select(c => c!["jsonPath"]!.GetValue<string>()).Should().Equal(
            ".spec.model.name", ".spec.accelerator.type", ".status.readyReplicas", ".status.desiredReplicas",
            ".status.utilization", ".status.estimatedCostPerMillionTokens", ".metadata.creationTimestamp");
    }

    [Test]
    public void SlmDeployment_ScaleSubresource_PathsPointAtReplicaFieldsAndSelector()
    {
        var version = CrdGenerator.Crd(typeof(V1Alpha1SlmDeployment))["spec"]!["versions"]![0]!;
        var scale = version["subresources"]!["scale"]!;
        var schema = Schema(typeof(V1Alpha1SlmDeployment));

        scale["specReplicasPath"]!.GetValue<string>().Should().Be(".spec.replicas");
        Resolve(schema, ".spec.replicas")!["type"]!.GetValue<string>().Should().Be("integer");
        Resolve(schema, scale["statusReplicasPath"]!.GetValue<string>())!["type"]!.GetValue<string>().Should().Be("integer");
        Resolve(schema, scale["labelSelectorPath"]!.GetValue<string>())!["type"]!.GetValue<string>().Should().Be("string");
        version["subresources"]!["status"].Should().BeOfType<JsonObject>();
    }

    [Test]
    public void RoutingPolicy_HasStatusButNoScaleSubresource()
    {
        var subresources = CrdGenerator.Crd(typeof(V1Alpha1RoutingPolicy))["spec"]!["versions"]![0]!["subresources"]!.AsObject();

        subresources.Select(p => p.Key).Should().Equal("status");
    }

    [TestCase(typeof(V1Alpha1SlmDeployment), "slmdeployments.slmfleet.io", "slmd")]
    [TestCase(typeof(V1Alpha1RoutingPolicy), "routingpolicies.slmfleet.io", "rp")]
    public void Names_CarryShortNameAndCategory(Type type, string crdName, string shortName)
    {
        var crd = CrdGenerator.Crd(type);

        crd["metadata"]!["name"]!.GetValue<string>().Should().Be(crdName);
        crd["spec"]!["group"]!.GetValue<string>().Should().Be(ApiGroup.Group);
        crd["spec"]!["names"]!["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(shortName);
        crd["spec"]!["names"]!["categories"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("slmfleet");
        crd["spec"]!["versions"]![0]!["name"]!.GetValue<string>().Should().Be(ApiGroup.Version);
    }

    [Test]
    public void Conditions_AreAMapListKeyedByTypeWithTheStandardRequiredFields()
    {
        var conditions = Resolve(Schema(typeof(V1Alpha1SlmDeployment)), ".status.conditions")!;

        conditions["x-kubernetes-list-type"]!.GetValue<string>().Should().Be("map");
        conditions["x-kubernetes-list-map-keys"]!.AsArray().Select(k => k!.GetValue<string>()).Should().Equal("type");
        conditions["items"]!["required"]!.AsArray().Select(k => k!.GetValue<string>())
            .Should().BeEquivalentTo("type", "status", "reason", "message", "lastTransitionTime");
        conditions["items"]!["properties"]!["lastTransitionTime"]!["format"]!.GetValue<string>().Should().Be("date-time");
    }

    [Test]
    public void Attributes_BecomeSchemaKeywords()
    {
        var spec = Resolve(Schema(typeof(V1Alpha1SlmDeployment)), ".spec")!;

        spec["properties"]!["accelerator"]!["properties"]!["type"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>())
            .Should().Equal("nvidia-t4", "nvidia-a10g", "nvidia-l4", "cpu");
        spec["properties"]!["minReplicas"]!["default"]!.GetValue<long>().Should().Be(1);
        spec["properties"]!["autoscaling"]!["properties"]!["targetUtilizationLow"]!["default"]!.GetValue<double>().Should().Be(0.60);
        spec["properties"]!["autoscaling"]!["properties"]!["targetUtilizationLow"]!["minimum"]!.GetValue<double>().Should().Be(0.05);
        spec["properties"]!["warmup"]!["properties"]!["prompts"]!["maxItems"]!.GetValue<int>().Should().Be(16);
        spec["properties"]!["model"]!["properties"]!["name"]!["maxLength"]!.GetValue<int>().Should().Be(128);
        spec["properties"]!["model"]!["properties"]!["source"]!["required"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Equal("uri");
        spec["properties"]!["costPerHour"]!["type"]!.GetValue<string>().Should().Be("number");
        spec["required"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Equal("accelerator", "model");
        Resolve(Schema(typeof(V1Alpha1SlmDeployment)), ".status.lastScaleTime")!["format"]!.GetValue<string>().Should().Be("date-time");
        Resolve(Schema(typeof(V1Alpha1RoutingPolicy)), ".status.escalationsByReason")!["additionalProperties"]!["type"]!.GetValue<string>().Should().Be("integer");
    }

    [Test]
    public void CelRules_AreEmittedWithFieldPaths_AndEachHasACSharpTwin()
    {
        var rules = ResourceTypes()
            .SelectMany(t => Walk(Schema(t), string.Empty))
            .SelectMany(n => n.Schema["x-kubernetes-validations"]?.AsArray() ?? [])
            .Select(r => r!["rule"]!.GetValue<string>())
            .ToList();

        rules.Should().Contain(CrossFieldRules.MinNotAboveMax).And.Contain(CrossFieldRules.BandLowBelowHigh).And.Contain(CrossFieldRules.UniqueRuleNames);
        rules.Should().OnlyContain(r => CrossFieldRules.Predicates.ContainsKey(r));
    }

    [Test]
    public void DefaultValueAttributes_MatchTheCSharpInitializers()
    {
        // A defaulted field the user leaves out must mean the same to the API server and to the operator.
        var mismatches = new List<string>();
        foreach (var type in typeof(ApiGroup).Assembly.GetTypes().Where(t => t.Namespace == typeof(SlmDeploymentSpec).Namespace && t.IsClass && t.GetConstructor(Type.EmptyTypes) is not null))
        {
            var instance = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties())
            {
                if (property.GetCustomAttribute<DefaultValueAttribute>() is { } attribute
                    && !Equals(Convert.ChangeType(attribute.Value, Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType, System.Globalization.CultureInfo.InvariantCulture), property.GetValue(instance)))
                {
                    mismatches.Add($"{type.Name}.{property.Name}: [DefaultValue({attribute.Value})] but initialised to {property.GetValue(instance)}");
                }
            }
        }

        mismatches.Should().BeEmpty();
    }

    private static JsonObject? Resolve(JsonObject schema, string jsonPath)
    {
        JsonObject? current = schema;
        foreach (var name in jsonPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            current = current?["properties"]?[name] as JsonObject;
        }

        return current;
    }
}
