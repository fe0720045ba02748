using SlmFleet.Operator.Rbac;

namespace SlmFleet.Chart.Tests.Rbac;

/// <summary>One verb on one resource in one scope: the unit the chart and the code's declaration are compared in.</summary>
internal sealed record RbacPermission(string ApiGroup, string Resource, string Verb, RbacScope Scope)
{
    public static IEnumerable<RbacPermission> From(IEnumerable<RbacRule> rules) =>
        rules.SelectMany(rule => rule.Verbs.Select(verb => new RbacPermission(rule.ApiGroup, rule.Resource, verb, rule.Scope)));

    public override string ToString() =>
        $"{Verb} {(ApiGroup.Length == 0 ? "core" : ApiGroup)}/{Resource} ({Scope})";
}
