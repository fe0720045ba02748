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

    [TestCase("chatml", true)]
    [TestCase("phi3", true)]
    [TestCase("llama3", true)]
    [TestCase("<|{{role}}|>{{content}}<|end|>", true)]
    [TestCase("mistral", false)]
    [TestCase("<|user|>{{role}}", false)]
    public void Validate_ChatTemplate_KnownNameOrCustomWithContent(string template, bool valid)
    {
        var spec = ValidSpec();
        spec.Model.ChatTemplate = template;

        var errors = SlmDeploymentValidator.Validate(spec);

        errors.Select(e => e.Path).Should().BeEquivalentTo(valid ? [] : new[] { "spec.model.chatTemplate" });
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
    public void Validate_CacheWithPvcAndSizeLimit_NamesSizeLimit()
    {
        var spec = ValidSpec();
        spec.ModelCache = new ModelCacheSpec { PersistentVolumeClaim = "cache", SizeLimit = "10Gi" };

        SlmDeploymentValidator.Validate(spec).Select(e => e.Path).Should().Equal("spec.modelCache.sizeLimit");
    }

    [Test]
    public void Validate_SeveralMistakes_ReportsEach()
    {
        var spec = ValidSpec();
        spec.MinReplicas = 6;
        spec.Model.ChatTemplate = "unknown";
        spec.Autoscaling = new AutoscalingSpec { TargetUtilizationLow = 0.9, TargetUtilizationHigh = 0.5 };

        var errors = SlmDeploymentValidator.Validate(spec);

        // replicas outside [min, max] is clamped by the reconciler, not rejected (a56008d), so it is not among them.
        errors.Select(e => e.Path).Should().BeEquivalentTo("spec.maxReplicas", "spec.model.chatTemplate", "spec.autoscaling.targetUtilizationLow");
        errors.Should().OnlyContain(e => e.Type == FieldErrorType.Invalid);
    }
}
