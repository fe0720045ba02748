using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.Schema;

namespace SlmFleet.Api.Tests.Schema;

[TestFixture]
public sealed class SchemaValidatorTests
{
    private static JsonNode S(string json) => JsonNode.Parse(json)!;

    private static List<string> Errors(string document, string schema, SchemaDialect dialect = SchemaDialect.JsonSchema) =>
        SchemaValidator.Validate(JsonNode.Parse(document), S(schema), dialect).Select(e => e.Message).ToList();

    [Test]
    public void Validate_Enum_ReportsValueAndSupportedValuesLikeTheApiServer()
    {
        var schema = """{"type":"object","properties":{"accelerator":{"type":"object","properties":{"type":{"type":"string","enum":["nvidia-t4","cpu"]}}}}}""";

        var errors = SchemaValidator.Validate(S("""{"accelerator":{"type":"nvidia-h100"}}"""), S(schema), SchemaDialect.JsonSchema, "spec");

        errors.Should().ContainSingle();
        errors[0].Type.Should().Be(FieldErrorType.NotSupported);
        errors[0].Path.Should().Be("spec.accelerator.type");
        errors[0].Message.Should().Be("spec.accelerator.type: Unsupported value: \"nvidia-h100\": supported values: \"nvidia-t4\", \"cpu\"");
    }

    [TestCase("1", "integer", true)]
    [TestCase("1.0", "integer", true)]
    [TestCase("1.5", "integer", false)]
    [TestCase("1.5", "number", true)]
    [TestCase("1", "number", true)]
    [TestCase("\"1\"", "number", false)]
    [TestCase("true", "boolean", true)]
    [TestCase("\"true\"", "boolean", false)]
    [TestCase("{}", "object", true)]
    [TestCase("[]", "object", false)]
    [TestCase("[]", "array", true)]
    [TestCase("null", "null", true)]
    [TestCase("null", "string", false)]
    public void Validate_Type_AcceptsOnlyMatchingKinds(string value, string type, bool valid)
    {
        var errors = Errors(value, $$"""{"type":"{{type}}"}""");

        (errors.Count == 0).Should().Be(valid, string.Join("; ", errors));
    }

    [Test]
    public void Validate_TypeMismatch_NamesFieldValueAndExpectedType()
    {
        var errors = Errors("""{"replicas":"two"}""", """{"type":"object","properties":{"replicas":{"type":"integer"}}}""");

        errors.Should().Equal("replicas: Invalid value: \"two\": replicas in body must be of type integer: \"string\"");
    }

    [Test]
    public void Validate_TypeArray_AcceptsAnyListedType()
    {
        var schema = """{"type":["string","null"]}""";

        Errors("\"a\"", schema).Should().BeEmpty();
        Errors("null", schema).Should().BeEmpty();
        Errors("3", schema).Should().ContainSingle().Which.Should().Contain("must be of type string,null");
    }

    [Test]
    public void Validate_Required_ReportsMissingFieldPath()
    {
        var errors = Errors("""{"model":{}}""", """{"type":"object","properties":{"model":{"type":"object","properties":{"source":{"type":"object"}},"required":["source"]}}}""");

        errors.Should().Equal("model.source: Required value");
    }

    [Test]
    public void Validate_UnknownField_RejectedInKubernetesDialectOnly()
    {
        const string schema = """{"type":"object","properties":{"replicas":{"type":"integer"}}}""";

        Errors("""{"replica":2}""", schema, SchemaDialect.Kubernetes).Should().Equal("replica: Unknown field: field not declared in schema");
        Errors("""{"replica":2}""", schema, SchemaDialect.JsonSchema).Should().BeEmpty();
    }

    [Test]
    public void Validate_PreserveUnknownFields_KeepsUnknownFieldsInKubernetesDialect()
    {
        const string schema = """{"type":"object","properties":{"extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}""";

        Errors("""{"extra":{"anything":{"goes":1}}}""", schema, SchemaDialect.Kubernetes).Should().BeEmpty();
    }

    [Test]
    public void Validate_RootMetadata_LeftToTheApiServer()
    {
        const string schema = """{"type":"object","properties":{"metadata":{"type":"object"}}}""";

        Errors("""{"metadata":{"name":"x","labels":{"a":"b"}}}""", schema, SchemaDialect.Kubernetes).Should().BeEmpty();
    }

    [Test]
    public void Validate_NullInNonNullableField_CountsAsAbsentInKubernetesDialect()
    {
        const string schema = """{"type":"object","properties":{"warmup":{"type":"object","properties":{}},"name":{"type":"string"}},"required":["name"]}""";

        Errors("""{"warmup":null,"name":null}""", schema, SchemaDialect.Kubernetes).Should().Equal("name: Required value");
    }

    [Test]
    public void Validate_Nullable_AcceptsNull()
    {
        Errors("null", """{"type":"string","nullable":true}""").Should().BeEmpty();
    }

    [Test]
    public void Validate_AdditionalPropertiesFalse_RejectsUndeclaredKeys()
    {
        var errors = Errors("""{"a":1,"b":2}""", """{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":false}""");

        errors.Should().Equal("b: Unknown field: field not declared in schema");
    }

    [Test]
    public void Validate_AdditionalPropertiesSchema_ValidatesMapValues()
    {
        var errors = Errors("""{"timeout":3,"rule":"x"}""", """{"type":"object","additionalProperties":{"type":"integer"}}""");

        errors.Should().ContainSingle().Which.Should().StartWith("rule: Invalid value: \"x\"");
    }

    [TestCase(-1, "should be greater than or equal to 0")]
    [TestCase(11, "should be less than or equal to 10")]
    public void Validate_Range_ReportsBound(int value, string expected)
    {
        var errors = Errors($$"""{"replicas":{{value}}}""", """{"type":"object","properties":{"replicas":{"type":"integer","minimum":0,"maximum":10}}}""");

        errors.Should().Equal($"replicas: Invalid value: {value}: replicas in body {expected}");
    }

    [Test]
    public void Validate_ExclusiveBounds_BooleanAndNumericForms()
    {
        Errors("0", """{"type":"number","minimum":0,"exclusiveMinimum":true}""").Should().ContainSingle().Which.Should().Contain("greater than 0");
        Errors("1", """{"type":"number","exclusiveMaximum":1}""").Should().ContainSingle().Which.Should().Contain("less than 1");
        Errors("0.5", """{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1}""").Should().BeEmpty();
    }

    [Test]
    public void Validate_StringLengthsAndPattern()
    {
        const string schema = """{"type":"string","minLength":2,"maxLength":4,"pattern":"^[a-z]+$"}""";

        Errors("\"ab\"", schema).Should().BeEmpty();
        Errors("\"a\"", schema).Should().Equal("<root>: Invalid value: \"a\": body should be at least 2 chars long");
        Errors("\"abcde\"", schema).Should().Equal("<root>: Too long: may not be longer than 4");
        Errors("\"AB\"", schema).Should().Equal("<root>: Invalid value: \"AB\": body should match '^[a-z]+$'");
    }

    [Test]
    public void Validate_LengthCountsCharactersNotUtf16Units()
    {
        Errors("\"😀😀\"", """{"type":"string","maxLength":2}""").Should().BeEmpty();
    }

    [Test]
    public void Validate_ArrayBoundsItemsAndUniqueness()
    {
        const string schema = """{"type":"object","properties":{"tags":{"type":"array","minItems":1,"maxItems":3,"uniqueItems":true,"items":{"type":"string"}}}}""";

        Errors("""{"tags":[]}""", schema).Should().Equal("tags: Invalid value: 0: tags in body should have at least 1 items");
        Errors("""{"tags":["a","b","c","d"]}""", schema).Should().Equal("tags: Too many: 4: must have at most 3 items");
        Errors("""{"tags":["a","a"]}""", schema).Should().Equal("tags[1]: Duplicate value: \"a\"");
        Errors("""{"tags":["a",1]}""", schema).Should().Equal("tags[1]: Invalid value: 1: tags[1] in body must be of type string: \"integer\"");
    }

    [Test]
    public void Validate_ListTypeMap_RejectsDuplicateKeys()
    {
        const string schema = """{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["type"],"items":{"type":"object","properties":{"type":{"type":"string"}}}}""";

        Errors("""[{"type":"Ready"},{"type":"Ready"}]""", schema).Should().ContainSingle().Which.Should().StartWith("[1]: Duplicate value");
    }

    [Test]
    public void Validate_Const_RejectsOtherValues()
    {
        Errors("\"b\"", """{"const":"a"}""").Should().Equal("<root>: Unsupported value: \"b\": supported values: \"a\"");
    }

    [Test]
    public void Validate_AnyOf_PassesWhenOneBranchMatches()
    {
        const string schema = """{"anyOf":[{"type":"string"},{"type":"integer","minimum":0}]}""";

        Errors("\"x\"", schema).Should().BeEmpty();
        Errors("3", schema).Should().BeEmpty();
        Errors("-3", schema).Should().ContainSingle().Which.Should().Contain("must validate at least one schema (anyOf)");
    }

    [Test]
    public void Validate_OneOf_RejectsZeroOrSeveralMatches()
    {
        const string schema = """{"oneOf":[{"type":"integer"},{"type":"number","minimum":10}]}""";

        Errors("3", schema).Should().BeEmpty();
        Errors("12", schema).Should().ContainSingle().Which.Should().Contain("but matched 2");
        Errors("\"x\"", schema).Should().ContainSingle().Which.Should().Contain("one and only one");
    }

    [Test]
    public void Validate_AllOf_CollectsEveryBranchError()
    {
        Errors("1", """{"allOf":[{"minimum":2},{"maximum":0}]}""").Should().HaveCount(2);
    }

    [Test]
    public void Validate_IntOrString_AcceptsBoth()
    {
        const string schema = """{"x-kubernetes-int-or-string":true}""";

        Errors("3", schema).Should().BeEmpty();
        Errors("\"25%\"", schema).Should().BeEmpty();
        Errors("true", schema).Should().ContainSingle();
    }

    [Test]
    public void Validate_LocalRef_ResolvesDefinitions()
    {
        const string schema = """{"$defs":{"label":{"type":"string","enum":["yes","no"]}},"type":"object","properties":{"answer":{"$ref":"#/$defs/label"}},"required":["answer"]}""";

        Errors("""{"answer":"yes"}""", schema).Should().BeEmpty();
        Errors("""{"answer":"maybe"}""", schema).Should().ContainSingle().Which.Should().StartWith("answer: Unsupported value: \"maybe\"");
    }

    [Test]
    public void Validate_MalformedSchemaKeywords_AreIgnoredNotThrown()
    {
        var act = () => Errors("\"x\"", """{"type":7,"minLength":"two","pattern":"([","enum":"nope","items":5}""");

        act.Should().NotThrow().Which.Should().BeEmpty();
    }

    [Test]
    public void Validate_SelfReferencingSchema_StopsInsteadOfOverflowing()
    {
        var act = () => Errors("1", """{"$ref":"#"}""");

        act.Should().NotThrow();
    }

    [Test]
    public void Validate_FalseSchema_RejectsEverything()
    {
        Errors("""{"a":1}""", """{"type":"object","properties":{"a":false}}""").Should().ContainSingle().Which.Should().StartWith("a: Invalid value");
    }
}
