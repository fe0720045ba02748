using System.Text.Json;
using SlmFleet.Router.Schema;

namespace SlmFleet.Router.Tests.Schema;

/// <summary>
/// The validator is JsonSchema.Net (draft 2020-12); these tests check that the router wires it up with
/// every keyword enforced (format as an assertion) and reports where and which keyword failed.
/// </summary>
[TestFixture]
public sealed class ResponseSchemaValidatorTests
{
    private const string Person = """
        {"type":"object","properties":{"name":{"type":"string","minLength":1},"age":{"type":"integer","minimum":0,"maximum":150},
         "tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"maxItems":2},"kind":{"anyOf":[{"const":"x"},{"type":"null"}]}},
         "required":["name","age"],"additionalProperties":false}
        """;

    private static string? Validate(string schema, string instance) =>
        new ResponseSchemaValidator().Validate(JsonDocument.Parse(schema).RootElement, JsonDocument.Parse(instance).RootElement);

    [TestCase("""{"name":"Ann","age":30}""")]
    [TestCase("""{"name":"Ann","age":30,"tags":["a","b"],"kind":null}""")]
    [TestCase("""{"name":"Ann","age":0,"kind":"x"}""")]
    public void Validate_Valid_ReturnsNull(string instance) => Validate(Person, instance).Should().BeNull();

    [TestCase("""{"name":"Ann"}""", "<root>", "required")]
    [TestCase("""{"name":"Ann","age":30.5}""", "/age", "type")]
    [TestCase("""{"name":"Ann","age":-1}""", "/age", "minimum")]
    [TestCase("""{"name":"","age":1}""", "/name", "minLength")]
    [TestCase("""{"name":"Ann","age":1,"extra":1}""", "/extra", "false schema")]
    [TestCase("""{"name":"Ann","age":1,"tags":["c"]}""", "/tags/0", "enum")]
    [TestCase("""{"name":"Ann","age":1,"tags":["a","a","b"]}""", "/tags", "maxItems")]
    [TestCase("""{"name":"Ann","age":1,"kind":"y"}""", "/kind", "const")]
    [TestCase("""[]""", "<root>", "type")]
    public void Validate_Invalid_NamesLocationAndKeyword(string instance, string location, string keyword) =>
        Validate(Person, instance).Should().StartWith(location + ":").And.EndWith($"({keyword})");

    // Each keyword the hand-written validator did not cover, with an instance that satisfies it and one that does not.
    [TestCase("""{"not":{"type":"string"}}""", "1", "\"s\"", "not")]
    [TestCase("""{"if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}""", """{"kind":"a","a":1}""", """{"kind":"a","b":1}""", "required")]
    [TestCase("""{"if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}""", """{"kind":"z","b":1}""", """{"kind":"z","a":1}""", "required")]
    [TestCase("""{"type":"array","prefixItems":[{"type":"integer"},{"type":"string"}],"items":false}""", """[1,"a"]""", """[1,2]""", "type")]
    [TestCase("""{"type":"array","prefixItems":[{"type":"integer"}],"items":false}""", """[1]""", """[1,"extra"]""", "false schema")]
    [TestCase("""{"type":"object","patternProperties":{"^n_":{"type":"number"}},"additionalProperties":false}""", """{"n_a":1}""", """{"n_a":"x"}""", "type")]
    [TestCase("""{"type":"object","propertyNames":{"pattern":"^[a-z]+$"}}""", """{"abc":1}""", """{"Abc":1}""", "pattern")]
    [TestCase("""{"type":"array","contains":{"const":"x"},"minContains":2}""", """["x","y","x"]""", """["x","y"]""", "contains")]
    [TestCase("""{"type":"array","contains":{"const":"x"}}""", """["x"]""", """["y"]""", "contains")]
    [TestCase("""{"type":"string","format":"email"}""", "\"ann@example.com\"", "\"not an email\"", "format")]
    [TestCase("""{"type":"string","format":"date-time"}""", "\"2024-05-01T10:00:00Z\"", "\"yesterday\"", "format")]
    [TestCase("""{"type":"string","format":"uuid"}""", "\"6f1c2a9e-3b1d-4c55-9c1e-8f3a2b7d9e10\"", "\"6f1c\"", "format")]
    [TestCase("""{"type":"array","uniqueItems":true}""", "[1,2]", "[1,1]", "uniqueItems")]
    [TestCase("""{"type":"number","exclusiveMinimum":0,"multipleOf":0.5}""", "1.5", "0", "exclusiveMinimum")]
    [TestCase("""{"oneOf":[{"type":"integer"},{"minimum":2}]}""", "1", "3", "oneOf")]
    [TestCase("""{"type":"object","dependentRequired":{"a":["b"]}}""", """{"a":1,"b":2}""", """{"a":1}""", "dependentRequired")]
    [TestCase("""{"type":"object","properties":{"a":true},"unevaluatedProperties":false}""", """{"a":1}""", """{"a":1,"b":2}""", "false schema")]
    public void Validate_Keyword_IsEnforced(string schema, string valid, string invalid, string keyword)
    {
        Validate(schema, valid).Should().BeNull();
        Validate(schema, invalid).Should().EndWith($"({keyword})");
    }

    [Test]
    public void Validate_Pattern_Checked() =>
        Validate("""{"type":"string","pattern":"^[0-9]+$"}""", "\"12a\"").Should().Be(Validate("""{"type":"string","pattern":"^[0-9]+$"}""", "\"12a\"")).And.EndWith("(pattern)");

    private const string WithRef = """{"$defs":{"id":{"type":"string"}},"type":"object","properties":{"id":{"$ref":"#/$defs/id"}}}""";

    [Test]
    public void Validate_LocalRefSatisfied_ReturnsNull() => Validate(WithRef, """{"id":"a"}""").Should().BeNull();

    [Test]
    public void Validate_LocalRefViolated_NamesField() =>
        Validate(WithRef, """{"id":1}""").Should().StartWith("/id:").And.EndWith("(type)");

    [Test]
    public void Validate_Draft07Declared_UsesThatDraft()
    {
        // Draft 7's "items" as an array is a tuple; in 2020-12 it would be an invalid schema.
        const string Tuple = """{"$schema":"http://json-schema.org/draft-07/schema#","items":[{"type":"integer"}],"additionalItems":false}""";

        Validate(Tuple, "[1]").Should().BeNull();
        Validate(Tuple, "[1,2]").Should().NotBeNull();
    }

    [Test]
    public void Validate_SameSchemaInParallel_GivesTheSameVerdicts()
    {
        // JsonSchema.Net 7 corrupts a schema's cached plan when one schema is evaluated in parallel under
        // different options (json-everything #929); the cache evaluates each schema under one instance.
        var schema = JsonDocument.Parse("""{"type":"object","if":{"properties":{"t":{"const":"L"}}},"then":{"properties":{"v":{"type":"string"}}},"else":{"properties":{"v":{"type":"number"}}}}""").RootElement;
        var good = JsonDocument.Parse("""{"t":"L","v":"x"}""").RootElement;
        var bad = JsonDocument.Parse("""{"t":"N","v":"x"}""").RootElement;
        var validator = new ResponseSchemaValidator();

        var verdicts = Enumerable.Range(0, 400).AsParallel().Select(i => (i % 2 == 0, validator.Validate(schema, i % 2 == 0 ? good : bad) is null)).ToList();

        verdicts.Should().OnlyContain(v => v.Item1 == v.Item2);
    }

    [TestCase("""{"type":"strnig"}""", "/type")]
    [TestCase("""{"type":"string","minLength":-1}""", "/minLength")]
    [TestCase("""{"type":"string","pattern":"("}""", "(")]
    [TestCase("""{"properties":{"a":{"type":5}}}""", "/properties/a/type")]
    [TestCase("""{"type":"object","required":"name"}""", "/required")]
    [TestCase("""{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}""", "missing")]
    [TestCase("""{"$schema":"https://example.com/my-draft","type":"object"}""", "$schema")]
    public void Check_InvalidSchema_Is400OnTheSchemaParam(string schema, string mentions)
    {
        var error = ResponseSchemas.Check(JsonDocument.Parse(schema).RootElement);

        error.Should().NotBeNull();
        error!.Status.Should().Be(400);
        error.Param.Should().Be("response_format.json_schema.schema");
        error.Message.Should().Contain(mentions);
    }

    [Test]
    public void Check_ValidSchema_IsNull() =>
        ResponseSchemas.Check(JsonDocument.Parse(Person).RootElement).Should().BeNull();
}
