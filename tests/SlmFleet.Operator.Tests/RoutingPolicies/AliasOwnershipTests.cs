using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.RoutingPolicies;
using static SlmFleet.Operator.Tests.RoutingPolicies.RoutingPolicyFixtures;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

[TestFixture]
public sealed class AliasOwnershipTests
{
    [Test]
    public void HeldBy_OlderPolicySameAlias_NamesTheOlder()
    {
        // Arrange
        var older = Policy(name: "zeta");
        older.Metadata.CreationTimestamp = T0;
        var newer = Policy(name: "alpha");
        newer.Metadata.CreationTimestamp = T0.AddMinutes(1);

        // Act + Assert
        AliasOwnership.HeldBy(newer, [older, newer]).Should().Be("zeta");
        AliasOwnership.HeldBy(older, [older, newer]).Should().BeNull();
    }

    [Test]
    public void HeldBy_SameCreationTime_NameDecides()
    {
        // Arrange
        var a = Policy(name: "a");
        var b = Policy(name: "b");
        a.Metadata.CreationTimestamp = b.Metadata.CreationTimestamp = T0;

        // Act + Assert
        AliasOwnership.HeldBy(b, [a, b]).Should().Be("a");
    }

    [Test]
    public void HeldBy_OtherAliasOrBeingDeleted_Ignored()
    {
        // Arrange
        var other = Policy(name: "other", alias: "different");
        other.Metadata.CreationTimestamp = T0;
        var leaving = Policy(name: "leaving");
        leaving.Metadata.CreationTimestamp = T0;
        leaving.Metadata.DeletionTimestamp = T0.AddHours(1);
        var me = Policy(name: "me");
        me.Metadata.CreationTimestamp = T0.AddMinutes(5);

        // Act + Assert
        AliasOwnership.HeldBy(me, [other, leaving, me]).Should().BeNull();
    }
}
