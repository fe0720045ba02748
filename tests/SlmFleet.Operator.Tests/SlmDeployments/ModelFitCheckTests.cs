using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Tests.SlmDeployments;

[TestFixture]
public sealed class ModelFitCheckTests
{
    private const double GiB = 1024d * 1024 * 1024;

    [TestCase("fp16", 2.0)]
    [TestCase("int8", 1.0)]
    [TestCase("int4", 0.5)]
    public void Estimate_Quantization_WeightsAreParametersTimesBytes(string quantization, double bytes)
    {
        // Arrange
        var model = Model(parametersBillions: 3.8, quantization);

        // Act
        var estimate = ModelFitCheck.Estimate(model, maxBatchSize: 1);

        // Assert
        estimate.WeightsGiB.Should().BeApproximately(3.8e9 * bytes / GiB, 1e-9);
    }

    [Test]
    public void Estimate_WithArchitecture_KvCacheFollowsFormula()
    {
        // Arrange: Phi-3-mini shape.
        var model = Model(3.8, "int4");
        model.Architecture = new ModelArchitectureSpec { Layers = 32, KvHeads = 32, HeadSize = 96 };
        model.ContextLength = 4096;

        // Act
        var estimate = ModelFitCheck.Estimate(model, maxBatchSize: 8);

        // Assert
        estimate.KvCacheGiB.Should().BeApproximately(2.0 * 32 * 32 * 96 * 2 * 4096 * 8 / GiB, 1e-9);
        estimate.KvCacheFromArchitecture.Should().BeTrue();
        estimate.OverheadGiB.Should().BeApproximately(((estimate.WeightsGiB + estimate.KvCacheGiB) * 0.10) + 0.5, 1e-9);
    }

    [Test]
    public void Estimate_WithoutArchitecture_ErrsOnTheLargeSideForGqaModels()
    {
        // Arrange: Qwen2.5-1.5B uses 2 KV heads; the estimate assumes full attention.
        var exact = Model(1.54, "fp16");
        exact.Architecture = new ModelArchitectureSpec { Layers = 28, KvHeads = 2, HeadSize = 128 };
        var estimated = Model(1.54, "fp16");

        // Act
        var withArchitecture = ModelFitCheck.Estimate(exact, 8);
        var withoutArchitecture = ModelFitCheck.Estimate(estimated, 8);

        // Assert
        withoutArchitecture.KvCacheFromArchitecture.Should().BeFalse();
        withoutArchitecture.KvCacheGiB.Should().BeGreaterThan(withArchitecture.KvCacheGiB);
    }

    [Test]
    public void Check_TooLarge_FalseWithNumbersInMessage()
    {
        // Arrange
        AcceleratorCatalog.Default.TryGet("nvidia-t4", out var t4).Should().BeTrue();
        var model = Model(8.03, "fp16");

        // Act
        var result = ModelFitCheck.Check(model, 8, t4!, devices: 1, cpuMemoryGiB: null);

        // Assert
        result.Fits.Should().BeFalse();
        result.AvailableGiB.Should().Be(16);
        result.Message.Should().Contain(ModelMemoryEstimate.Format(result.Estimate.TotalGiB) + " GiB")
            .And.Contain("16.00 GiB").And.Contain("spec.model.quantization (fp16, int8, int4)");
    }

    [Test]
    public void Check_MoreGpus_AddsCardMemory()
    {
        // Arrange
        AcceleratorCatalog.Default.TryGet("nvidia-t4", out var t4).Should().BeTrue();
        var model = Model(8.03, "fp16");
        model.ContextLength = 2048;

        // Act
        var one = ModelFitCheck.Check(model, 4, t4!, devices: 1, cpuMemoryGiB: null);
        var four = ModelFitCheck.Check(model, 4, t4!, devices: 4, cpuMemoryGiB: null);

        // Assert
        one.Fits.Should().BeFalse();
        four.Fits.Should().BeTrue();
        four.AvailableGiB.Should().Be(64);
    }

    [Test]
    public void Check_Cpu_UsesConfiguredMemory()
    {
        // Arrange
        AcceleratorCatalog.Default.TryGet(AcceleratorCatalog.Cpu, out var cpu).Should().BeTrue();
        var model = Model(3.8, "int8");

        // Act
        var small = ModelFitCheck.Check(model, 8, cpu!, devices: 1, cpuMemoryGiB: 4);
        var large = ModelFitCheck.Check(model, 8, cpu!, devices: 1, cpuMemoryGiB: 64);

        // Assert
        small.Fits.Should().BeFalse();
        large.Fits.Should().BeTrue();
        large.Message.Should().Contain("64.00 GiB");
    }

    private static ModelSpec Model(double parametersBillions, string quantization) => new()
    {
        Name = "m",
        Source = new ModelSourceSpec { Uri = "hf://org/repo" },
        ParametersBillions = parametersBillions,
        Quantization = quantization,
        ContextLength = 8192,
    };
}
