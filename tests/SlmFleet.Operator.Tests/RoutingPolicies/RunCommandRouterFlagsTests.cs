using System.CommandLine;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Commands;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>The <c>slm-operator run</c> flags that locate the routers: bad values are refused naming the flag, the value and what is accepted.</summary>
[TestFixture]
public sealed class RunCommandRouterFlagsTests
{
    [TestCase("--router-metrics-url", "not-a-url", "absolute http(s) URL")]
    [TestCase("--router-metrics-url", "ftp://127.0.0.1/metrics", "absolute http(s) URL")]
    [TestCase("--router-metrics-port", "70000", "1–65535")]
    [TestCase("--usage-interval-seconds", "0", "1–3600")]
    public void Parse_BadRouterFlag_ErrorNamesFlagValueAndAccepted(string flag, string value, string accepted)
    {
        // Arrange
        var root = new RootCommand { RunCommand.Create() };

        // Act
        var result = root.Parse(["run", flag, value]);

        // Assert
        result.Errors.Should().ContainSingle().Which.Message.Should().Contain(flag).And.Contain(value).And.Contain(accepted);
    }

    [Test]
    public void Parse_GoodRouterFlags_NoErrors()
    {
        // Arrange
        var root = new RootCommand { RunCommand.Create() };

        // Act
        var result = root.Parse(["run", "--router-metrics-url", "http://127.0.0.1:9090/metrics", "--router-metrics-url", "http://127.0.0.1:9091/metrics",
            "--router-namespace", "slm-system", "--router-selector", "app=router", "--router-metrics-port", "9100", "--usage-interval-seconds", "15"]);

        // Assert
        result.Errors.Should().BeEmpty();
    }
}
