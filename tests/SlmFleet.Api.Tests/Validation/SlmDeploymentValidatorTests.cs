using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.Schema;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.Tests.Validation;

[TestFixture]
public sealed class SlmDeploymentValidatorTests
{
    private static SlmDeploymentSpec ValidSpec() => new()
    {
        Model = new ModelSpec
        {
            Name = "phi-3-mini",
            Source = new ModelSourceSpec { Uri = "hf://microsoft/Phi-3-mini-4k-instruct-onnx/cuda/cuda-int4-rtn-block-32", Revision = "main" },
            ParametersBillions = 3.8,
            ChatTemplate = "phi3",
        },
        Accelerator = new AcceleratorSpec { Type = "nvidia-a10g" },
        MinReplicas = 1,
        MaxReplicas = 4,
        Replicas = 2,
        Autoscaling = new AutoscalingSpec(),
        Runtime = new RuntimeSpec { ExecutionProvider = "cuda" },
        ModelCache = new ModelCacheSpec { SizeLimit = "10Gi" },
    };

    [Test]
    public void Validate_ConsistentSpec_NoErrors()
    {
        SlmDeploymentValidator.Validate(ValidSpec()).Should().BeEmpty();
    }

    [Test]
    public void Validate_WholeResource_PathsStartAtSpec()
    {
        var resource = new V1Alpha1SlmDeployment { Spec = ValidSpec() };
        resource.Spec.MinReplicas = 5;

        SlmDeploymentValidator.Validate(resource).Select(e => e.Path).Should().Contain("spec.maxReplicas");
    }

    [TestCase(3, 2, false)]
    [TestCase(2, 2, true)]
    [TestCase(0, 1, true)]
    public void Validate_MinAgainstMax(int min, int max, bool valid)
    {
        var spec = ValidSpec();
        spec.MinReplicas = min;
        spec.MaxReplicas = max;
        spec.Replicas = null;

        var errors = SlmDeploymentValidator.Validate(spec);

        (errors.Count == 0).Should().Be(valid);
        if (!valid)
        {
            errors.Should().ContainSingle().Which.Message.Should().Be($"spec.maxReplicas: Invalid value: {max}: maxReplicas must be greater than or equal to minReplicas");
        }
    }

    [TestCase(0.6, 0.8, true)]
    [TestCase(0.8, 0.8, false)]
    [TestCase(0.9, 0.8, false)]
    public void Validate_UtilizationBand_LowBelowHigh(double low, double high, bool valid)
    {
        var spec = ValidSpec();
        spec.Autoscaling = new AutoscalingSpec { TargetUtilizationLow = low, TargetUtilizationHigh = high };

        var errors = SlmDeploymentValidator.Validate(spec);

        errors.Select(e => e.Path).Should().BeEquivalentTo(valid ? [] : new[] { "spec.autoscaling.targetUtilizationLow" });
    }

    [Test]
    public void Validate_AutoscalingOmitted_BandRuleDoesNotRun()
    {
        var spec = ValidSpec();
        spec.Autoscaling = null;

        SlmDeploymentValidator.Validate(spec).Should().BeEmpty();
    }

    [TestCase(null, true)]
    [TestCase("chatml", true)]
    [TestCase("phi3", true)]
    [TestCase("llama3", true)]
    [TestCase("<|{role}|>\n{content}<|end|>\n", true)]
    [TestCase("<|{{role}}|>{{content}}<|end|>", true)]
    [TestCase("{% for message in messages %}<|{{ message.role }}|>\n{{ message.content }}<|end|>\n{% endfor %}<|assistant|>\n", true)]
    [TestCase("{{ bos_token }}{{ messages[0].content }}", true)]
    [TestCase("chatmlx", false)]
    [TestCase("mistral", false)]
    [TestCase("tool_use", false)]
    [TestCase("<|user|>{{role}}", false)]
    [TestCase("<|{role}|>\n", false)]
    [TestCase("{% if add_generation_prompt %}<|assistant|>{% endif %}", false)]
    public void Validate_ChatTemplate_AbsentPresetMessageFormatOrJinja(string? template, bool valid)
    {
        var spec = ValidSpec();
        spec.Model.ChatTemplate = template;

        var errors = SlmDeploymentValidator.Validate(spec);

        errors.Select(e => e.Path).Should().BeEquivalentTo(valid ? [] : new[] { "spec.model.chatTemplate" });
    }

    [Test]
    public void Validate_UnknownChatTemplate_MessageNamesValueAndAcceptedForms()
    {
        var spec = ValidSpec();
        spec.Model.ChatTemplate = "chatmlx";

        var errors = SlmDeploymentValidator.Validate(spec);

        errors.Should().ContainSingle().Which.Message.Should().Be(
            "spec.model.chatTemplate: Invalid value: \"chatmlx\": chatTemplate must be left out (the model's own template), chatml, phi3, llama3, "
            + "a one-message format containing {content} (or {{content}}), or a Jinja chat template that reads messages");
    }

    [Test]
    public void Validate_ChatTemplateEmpty_Refused()
    {
        var spec = ValidSpec();
        spec.Model.ChatTemplate = string.Empty;

        SlmDeploymentValidator.Validate(spec).Select(e => e.Path).Should().Contain("spec.model.chatTemplate");
    }

    [Test]
    public void Validate_CudaOnCpuAccelerator_NamesExecutionProvider()
    {
        var spec = ValidSpec();
        spec.Accelerator.Type = "cpu";

        var errors = SlmDeploymentValidator.Validate(spec);

        errors.Should().ContainSingle().Which.Message.Should().StartWith("spec.runtime.executionProvider: Invalid value: \"cuda\": ");
    }

    [Test]
    public void Validate_RevisionOnNonHuggingFaceSource_NamesRevision()
    {
        var spec = ValidSpec();
        spec.Model.Source.Uri = "pvc://models/phi3";

        SlmDeploymentValidator.Validate(spec).Select(e => e.Path).Should().Equal("spec.model.source.revision");
    }

    [Test]
    public void Validate_CacheWithPvcAndSizeLimit_NamesModelCache()
    {
        var spec = ValidSpec();
        spec.ModelCache = new ModelCacheSpec { PersistentVolumeClaim = "cache", SizeLimit = "10Gi" };

        SlmDeploymentValidator.Validate(spec).Select(e => e.Path).Should().Equal("spec.modelCache");
    }

    [Test]
    public void Validate_CacheWithSharedAndPerReplicaClaims_NamesModelCache()
    {
        var spec = ValidSpec();
        spec.ModelCache = new ModelCacheSpec { PersistentVolumeClaim = "cache", PerReplicaClaim = new PerReplicaClaimSpec { Size = "20Gi" } };

        SlmDeploymentValidator.Validate(spec).Select(e => e.Path).Should().Equal("spec.modelCache");
    }

    [Test]
    public void Validate_CacheWithPerReplicaClaimOnly_Valid()
    {
        var spec = ValidSpec();
        spec.ModelCache = new ModelCacheSpec { PerReplicaClaim = new PerReplicaClaimSpec { Size = "20Gi", StorageClassName = "gp3" } };

        SlmDeploymentValidator.Validate(spec).Should().BeEmpty();
    }

    [Test]
    public void Validate_SeveralMistakes_ReportsEach()
    {
        var spec = ValidSpec();
        spec.MinReplicas = 6;
        spec.Model.ChatTemplate = "unknown";
        spec.Autoscaling = new AutoscalingSpec { TargetUtilizationLow = 0.9, TargetUtilizationHigh = 0.5 };

        var errors = SlmDeploymentValidator.Validate(spec);

        errors.Select(e => e.Path).Should().BeEquivalentTo("spec.maxReplicas", "spec.model.chatTemplate", "spec.autoscaling.targetUtilizationLow");
        errors.Should().OnlyContain(e => e.Type == FieldErrorType.Invalid);
    }
}
