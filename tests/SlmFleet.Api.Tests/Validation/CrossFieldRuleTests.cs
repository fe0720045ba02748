using System.Reflection;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.Tests.Validation;

[TestFixture]
public sealed class CrossFieldRuleTests
{
    [Test]
    public void EveryCelRuleOnTheApiTypes_HasACSharpPredicate()
    {
        var rules = typeof(ApiGroup).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<CelRuleAttribute>().Concat(t.GetProperties().SelectMany(p => p.GetCustomAttributes<CelRuleAttribute>())))
            .Select(r => r.Rule)
            .ToList();

        rules.Should().NotBeEmpty();
        rules.Where(r => !CrossFieldRules.Predicates.ContainsKey(r)).Should().BeEmpty();
    }

    [Test]
    public void EveryPredicate_IsUsedBySomeRule()
    {
        var used = typeof(ApiGroup).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<CelRuleAttribute>().Concat(t.GetProperties().SelectMany(p => p.GetCustomAttributes<CelRuleAttribute>())))
            .Select(r => r.Rule)
            .ToHashSet(StringComparer.Ordinal);

        CrossFieldRules.Predicates.Keys.Where(k => !used.Contains(k)).Should().BeEmpty();
    }
}
