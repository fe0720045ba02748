using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Catalog;

namespace SlmFleet.Operator.Tests.Catalog;

[TestFixture]
public sealed class AcceleratorCatalogTests
{
    [TestCase("nvidia-t4", 16, "g4dn.")]
    [TestCase("nvidia-a10g", 24, "g5.")]
    [TestCase("nvidia-l4", 24, "g6.")]
    public void TryGet_GpuType_HasCardMemoryAndFamily(string type, double memoryGiB, string family)
    {
        // Act
        var found = AcceleratorCatalog.Default.TryGet(type, out var profile);

        // Assert
        found.Should().BeTrue();
        profile!.IsGpu.Should().BeTrue();
        profile.MemoryGiB.Should().Be(memoryGiB);
        profile.InstanceTypes.Should().OnlyContain(t => t.Name.StartsWith(family, StringComparison.Ordinal) && t.Gpus >= 1);
    }

    [Test]
    public void TryGet_Unknown_ReturnsFalse()
    {
        AcceleratorCatalog.Default.TryGet("nvidia-h100", out _).Should().BeFalse();
    }

    [Test]
    public void KnownTypes_ListsAllAcceptedValues()
    {
        AcceleratorCatalog.Default.KnownTypes.Should().Equal("nvidia-t4", "nvidia-a10g", "nvidia-l4", "cpu");
    }

    [Test]
    public void EligibleFor_FourGpus_OnlyMultiGpuTypesCheapestFirst()
    {
        // Arrange
        AcceleratorCatalog.Default.TryGet("nvidia-l4", out var l4);

        // Act
        var eligible = l4!.EligibleFor(4);

        // Assert
        eligible.Should().NotBeEmpty().And.OnlyContain(t => t.Gpus >= 4);
        eligible.Select(t => t.OnDemandUsdPerHour).Should().BeInAscendingOrder();
    }

    [Test]
    public void CheapestPrice_Override_PricesTheCheapestListedType()
    {
        // Arrange
        AcceleratorCatalog.Default.TryGet("nvidia-a10g", out var a10g);

        // Act
        var price = a10g!.CheapestPrice(1, ["g5.4xlarge", "g5.2xlarge", "unknown.type"]);

        // Assert
        var expected = a10g.InstanceTypes.Single(t => t.Name == "g5.2xlarge").OnDemandUsdPerHour;
        price.Should().Be(expected);
        a10g.CheapestPrice(1, ["unknown.type"]).Should().BeNull();
    }
}
