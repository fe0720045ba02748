using System.Text.Json;
using SlmFleet.Router.Schema;

namespace SlmFleet.Router.Tests.Schema;

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

    [TestCase("""{"name":"Ann"}""", "age: Required value")]
    [TestCase("""{"name":"Ann","age":30.5}""", "age: Invalid value: 30.5: age in body must be of type integer")]
    [TestCase("""{"name":"Ann","age":-1}""", "age: Invalid value: -1: age in body should be greater than or equal to 0")]
    [TestCase("""{"name":"","age":1}""", "name: Invalid value: \"\": name in body should be at least 1 chars long")]
    [TestCase("""{"name":"Ann","age":1,"extra":1}""", "extra: Unknown field")]
    [TestCase("""{"name":"Ann","age":1,"tags":["c"]}""", "tags[0]: Unsupported value: \"c\": supported values: \"a\", \"b\"")]
    [TestCase("""{"name":"Ann","age":1,"tags":["a","a","b"]}""", "tags: Too many: 3: must have at most 2 items")]
    [TestCase("""{"name":"Ann","age":1,"kind":"y"}""", "kind: Invalid value: \"y\": must validate at least one schema (anyOf)")]
    [TestCase("""[]""", "<root>: Invalid value: \"array\": body must be of type object")]
    public void Validate_Invalid_NamesPathAndProblem(string instance, string expected) =>
        Validate(Person, instance).Should().StartWith(expected);

    [Test]
    public void Validate_Pattern_Checked() =>
        Validate("""{"type":"string","pattern":"^[0-9]+$"}""", "\"12a\"").Should().Contain("should match '^[0-9]+$'");

    private const string WithRef = """{"$defs":{"id":{"type":"string"}},"type":"object","properties":{"id":{"$ref":"#/$defs/id"}}}""";

    [Test]
    public void Validate_LocalRefSatisfied_ReturnsNull() => Validate(WithRef, """{"id":"a"}""").Should().BeNull();

    [Test]
    public void Validate_LocalRefViolated_NamesField() =>
        Validate(WithRef, """{"id":1}""").Should().StartWith("id: Invalid value: 1: id in body must be of type string");
}
