using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.Tests.Validation;

[TestFixture]
public sealed class RoutingPolicyValidatorTests
{
    private static RoutingPolicySpec ValidSpec() => new()
    {
        ModelAlias = "support-assistant",
        Slm = new SlmTargetSpec { DeploymentRef = new LocalObjectReference { Name = "phi3-mini" } },
        Llm = new LlmTargetSpec { BaseUrl = "https://api.openai.com/v1", Model = "gpt-4o", InputPricePerMillionTokens = 2.5, OutputPricePerMillionTokens = 10 },
        Rules =
        [
            new RoutingRule { Name = "classification", Match = new RuleMatch { TaskTypes = ["classification"], MaxPromptTokens = 3000 }, Target = "slm" },
            new RoutingRule { Name = "long", Match = new RuleMatch { MinPromptTokens = 3001 }, Target = "llm" },
        ],
        Shadow = new ShadowSpec { Enabled = true, SampleRate = 0.05 },
    };

    [Test]
    public void Validate_ConsistentSpec_NoErrors()
    {
        RoutingPolicyValidator.Validate(ValidSpec()).Should().BeEmpty();
    }

    [Test]
    public void Validate_DuplicateRuleNames_NamesTheRulesList()
    {
        var spec = ValidSpec();
        spec.Rules![1].Name = "classification";

        var errors = RoutingPolicyValidator.Validate(spec);

        errors.Should().ContainSingle().Which.Message.Should().Be("spec.rules: Invalid value: \"object\": rule names must be unique");
    }

    [TestCase(10, 5, false)]
    [TestCase(5, 5, true)]
    [TestCase(null, 5, true)]
    [TestCase(10, null, true)]
    public void Validate_PromptTokenRange(int? min, int? max, bool valid)
    {
        var spec = ValidSpec();
        spec.Rules![0].Match = new RuleMatch { MinPromptTokens = min, MaxPromptTokens = max };

        var errors = RoutingPolicyValidator.Validate(spec);

        errors.Select(e => e.Path).Should().BeEquivalentTo(valid ? [] : new[] { "spec.rules[0].match.maxPromptTokens" });
    }

    [TestCase(true, 0.0, false)]
    [TestCase(false, 0.0, true)]
    [TestCase(true, 0.01, true)]
    public void Validate_ShadowSampling(bool enabled, double rate, bool valid)
    {
        var spec = ValidSpec();
        spec.Shadow = new ShadowSpec { Enabled = enabled, SampleRate = rate };

        var errors = RoutingPolicyValidator.Validate(spec);

        errors.Select(e => e.Path).Should().BeEquivalentTo(valid ? [] : new[] { "spec.shadow.sampleRate" });
    }

    [Test]
    public void Validate_WholeResource_UsesSpec()
    {
        var resource = new V1Alpha1RoutingPolicy { Spec = ValidSpec() };
        resource.Spec.Rules![0].Match.MinPromptTokens = 4000;

        RoutingPolicyValidator.Validate(resource).Select(e => e.Path).Should().Equal("spec.rules[0].match.maxPromptTokens");
    }
}
