using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using FluentAssertions;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Operator.Crds;

namespace SlmFleet.Operator.Tests.Crds;

[TestFixture]
public sealed class SchemaBuilderTests
{
    public sealed class Sample
    {
        [JsonPropertyName("port")]
        public IntOrString? Port { get; set; }

        [Required]
        [MinLength(1)]
        [MaxLength(3)]
        [JsonPropertyName("tags")]
        public List<string> Tags { get; set; } = [];

        [JsonPropertyName("limits")]
        public Dictionary<string, double>? Limits { get; set; }

        [JsonIgnore]
        public string Hidden { get; set; } = string.Empty;
    }

    private static readonly SchemaBuilder Builder = new(XmlDocumentation.Parse(new XDocument(new XElement("doc"))));

    [Test]
    public void ForResource_MapsIntOrStringListsAndMaps()
    {
        var schema = Builder.ForResource(typeof(Sample));
        var properties = schema["properties"]!;

        properties["port"]!["x-kubernetes-int-or-string"]!.GetValue<bool>().Should().BeTrue();
        properties["port"]!["type"].Should().BeNull();
        properties["tags"]!["type"]!.GetValue<string>().Should().Be("array");
        properties["tags"]!["minItems"]!.GetValue<int>().Should().Be(1);
        properties["tags"]!["maxItems"]!.GetValue<int>().Should().Be(3);
        properties["limits"]!["additionalProperties"]!["type"]!.GetValue<string>().Should().Be("number");
        properties["Hidden"].Should().BeNull();
        schema["required"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("tags");
    }

    [Test]
    public void ForResource_PropertiesSortedByJsonName()
    {
        var names = Builder.ForResource(typeof(Sample))["properties"]!.AsObject().Select(p => p.Key);

        names.Should().BeInAscendingOrder(StringComparer.Ordinal);
    }
}
