using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.Yaml;
using SlmFleet.Operator.Crds;

namespace SlmFleet.Operator.Tests.Crds;

[TestFixture]
public sealed class YamlRoundTripTests
{
    [TestCase("plain text")]
    [TestCase("true")]
    [TestCase("no")]
    [TestCase("null")]
    [TestCase("1.0")]
    [TestCase("0x1F")]
    [TestCase("a: b")]
    [TestCase("# not a comment")]
    [TestCase("-leading dash")]
    [TestCase("")]
    [TestCase(" padded ")]
    [TestCase("{{content}}")]
    [TestCase("!has(self.replicas) || self.replicas >= 1")]
    [TestCase("^(hf://[A-Za-z0-9]+|file:///[^\\s]*)$")]
    [TestCase("line one\nline two")]
    [TestCase("60–180 s, 2 × layers")]
    [TestCase("say \"hi\"")]
    public void WriteThenRead_String_KeepsValueAndType(string text)
    {
        var tree = new JsonObject { ["value"] = text, ["list"] = new JsonArray(text, 1) };

        var read = YamlReader.Read(YamlWriter.Write(tree));

        read!["value"]!.GetValue<string>().Should().Be(text);
        read["list"]![0]!.GetValue<string>().Should().Be(text);
        read["list"]![1]!.GetValue<long>().Should().Be(1);
    }

    [Test]
    public void WriteThenRead_NestedTree_IsDeepEqual()
    {
        var tree = new JsonObject
        {
            ["a"] = new JsonObject { ["b"] = 0.6, ["c"] = true, ["d"] = new JsonArray() , ["e"] = new JsonObject() },
            ["items"] = new JsonArray(new JsonObject { ["name"] = "x", ["sub"] = new JsonObject { ["k"] = 1 } }, new JsonArray(1, 2)),
            ["n"] = null,
        };

        var read = YamlReader.Read(YamlWriter.Write(tree));

        JsonNode.DeepEquals(read, tree).Should().BeTrue(YamlWriter.Write(tree));
    }

    [TestCase("x: 3", 3L)]
    [TestCase("x: -3", -3L)]
    [TestCase("x: 0.85", 0.85)]
    [TestCase("x: 1e3", 1000.0)]
    [TestCase("x: 0440", 288L)]
    public void Read_PlainNumbers_BecomeNumbers(string yaml, object expected)
    {
        var value = YamlReader.Read(yaml)!["x"]!;

        value.ToJsonString().Should().Be(expected switch { long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => ((double)expected).ToString("R", System.Globalization.CultureInfo.InvariantCulture) });
    }

    [TestCase("x: yes", true)]
    [TestCase("x: off", false)]
    [TestCase("x: True", true)]
    public void Read_YamlBooleans_BecomeBooleans(string yaml, bool expected)
    {
        YamlReader.Read(yaml)!["x"]!.GetValue<bool>().Should().Be(expected);
    }

    [Test]
    public void Read_QuotedNumber_StaysString()
    {
        YamlReader.Read("x: \"3\"")!["x"]!.GetValue<string>().Should().Be("3");
    }

    [Test]
    public void Read_DuplicateKey_Throws()
    {
        var act = () => YamlReader.Read("a: 1\na: 2\n");

        act.Should().Throw<Exception>().Which.Message.Should().Contain("a");
    }
}
