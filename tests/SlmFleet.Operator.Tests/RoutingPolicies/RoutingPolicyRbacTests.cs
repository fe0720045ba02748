using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Rbac;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>Every API call the RoutingPolicy controller and its usage collector make is declared in <see cref="OperatorRbac"/> (and so in the chart).</summary>
[TestFixture]
public sealed class RoutingPolicyRbacTests
{
    [TestCase("slmfleet.io", "routingpolicies", "list")]
    [TestCase("slmfleet.io", "routingpolicies", "watch")]
    [TestCase("slmfleet.io", "routingpolicies/status", "update")]
    [TestCase("slmfleet.io", "slmdeployments", "list")]
    [TestCase("slmfleet.io", "slmdeployments", "watch")]
    [TestCase("", "secrets", "list")]
    [TestCase("", "secrets", "watch")]
    [TestCase("", "pods", "list")]
    [TestCase("", "events", "create")]
    public void OperatorRbac_CallTheControllerMakes_IsDeclared(string group, string resource, string verb)
    {
        OperatorRbac.Allows(group, resource, verb).Should().BeTrue();
    }
}
