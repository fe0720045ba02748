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

    [TestCase("""{"name":"Ann"}""", "$: required property 'age' is missing")]
    [TestCase("""{"name":"Ann","age":30.5}""", "$.age: expected integer")]
    [TestCase("""{"name":"Ann","age":-1}""", "$.age: -1 is below the minimum 0")]
    [TestCase("""{"name":"","age":1}""", "$.name: is 0 characters")]
    [TestCase("""{"name":"Ann","age":1,"extra":1}""", "$.extra: property is not allowed")]
    [TestCase("""{"name":"Ann","age":1,"tags":["c"]}""", "$.tags[0]: \"c\" is not one of")]
    [TestCase("""{"name":"Ann","age":1,"tags":["a","a","b"]}""", "$.tags: has 3 items, at most 2")]
    [TestCase("""{"name":"Ann","age":1,"kind":"y"}""", "$.kind: matches none of the anyOf")]
    [TestCase("""[]""", "$: expected object, got array")]
    public void Validate_Invalid_NamesPathAndProblem(string instance, string expected) =>
        Validate(Person, instance).Should().StartWith(expected);

    [Test]
    public void Validate_Pattern_Checked() =>
        Validate("""{"type":"string","pattern":"^[0-9]+$"}""", "\"12a\"").Should().Contain("does not match pattern");
}
