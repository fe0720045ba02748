using SlmFleet.Router.Policies;

namespace SlmFleet.Router.Tests.Policies;

[TestFixture]
public sealed class LocalConfigLoaderTests
{
    [Test]
    public void Parse_Yaml_BindsApiTypes()
    {
        var config = LocalConfigLoader.Parse("""
            deployments:
              - name: qwen
                model: qwen-0.5b
                endpoints: ["http://127.0.0.1:50051"]
            policies:
              - modelAlias: fleet
                slm: { deploymentRef: { name: qwen }, timeoutMilliseconds: 2500 }
                llm: { baseUrl: "https://api.example.com/v1", model: gpt-4o, inputPricePerMillionTokens: 2.5 }
                escalation: { confidenceThreshold: 0.9, onTimeout: false }
                rules:
                  - { name: long, match: { minPromptTokens: 2000 }, target: llm }
                budget: { monthlyUsd: 100, whenExhausted: reject }
            """, "test");

        var policy = config.Policies.Should().ContainSingle().Subject;
        policy.Slm.TimeoutMilliseconds.Should().Be(2500);
        policy.Llm.InputPricePerMillionTokens.Should().Be(2.5);
        policy.Escalation!.ConfidenceThreshold.Should().Be(0.9);
        policy.Escalation.OnTimeout.Should().BeFalse();
        policy.Rules![0].Match.MinPromptTokens.Should().Be(2000);
        policy.Budget!.WhenExhausted.Should().Be("reject");
        config.Deployments[0].Model.Should().Be("qwen-0.5b");
    }

    [Test]
    public void Parse_InvalidPolicies_ListsEveryProblemWithFieldAndValue()
    {
        var act = () => LocalConfigLoader.Parse("""
            policies:
              - modelAlias: a
                slm: { deploymentRef: { name: "" } }
                llm: { baseUrl: "ftp://x", model: m }
                escalation: { confidenceThreshold: 1.5 }
              - modelAlias: a
                slm: { deploymentRef: { name: d } }
                llm: { baseUrl: "http://x/v1", model: m }
                defaultTarget: gpu
            """, "policies.yaml");

        act.Should().Throw<InvalidDataException>()
            .Which.Message.Should().Contain("policies[0].slm.deploymentRef.name")
            .And.Contain("policies[0].llm.baseUrl: 'ftp://x'")
            .And.Contain("policies[0].escalation.confidenceThreshold: 1.5")
            .And.Contain("policies[1].modelAlias: 'a' is used by another policy")
            .And.Contain("policies[1].defaultTarget: 'gpu'");
    }

    [Test]
    public void Parse_UnknownField_Rejected()
    {
        var act = () => LocalConfigLoader.Parse("policiez: []", "f.yaml");

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("policiez");
    }

    [Test]
    public void Parse_DuplicateKey_RejectedNamingKey()
    {
        var act = () => LocalConfigLoader.Parse("policies: []\npolicies: []\n", "f.yaml");

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("f.yaml").And.ContainEquivalentOf("duplicate key").And.Contain("policies");
    }
}
