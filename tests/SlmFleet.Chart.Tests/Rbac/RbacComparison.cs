namespace SlmFleet.Chart.Tests.Rbac;

/// <summary>The difference between what the code declares it calls and what the chart grants.</summary>
internal sealed record RbacComparison(IReadOnlyList<RbacPermission> MissingFromChart, IReadOnlyList<RbacPermission> NotDeclaredByCode)
{
    public bool Matches => MissingFromChart.Count == 0 && NotDeclaredByCode.Count == 0;

    public static RbacComparison Compare(IEnumerable<RbacPermission> declared, IEnumerable<RbacPermission> granted)
    {
        var declaredSet = declared.ToHashSet();
        var grantedSet = granted.ToHashSet();
        return new RbacComparison(
            declaredSet.Except(grantedSet).OrderBy(p => p.ToString(), StringComparer.Ordinal).ToList(),
            grantedSet.Except(declaredSet).OrderBy(p => p.ToString(), StringComparer.Ordinal).ToList());
    }

    public string Describe(string component) =>
        $"The {component}'s RBAC in the chart differs from the code's declaration.\n"
        + $"Declared by the code but not granted by the chart (add to charts/slm-fleet/files/rbac/{component}.yaml): "
        + (MissingFromChart.Count == 0 ? "none" : string.Join("; ", MissingFromChart)) + "\n"
        + $"Granted by the chart but not declared by the code (remove it, or declare the call in operator/SlmFleet.Operator/Rbac/): "
        + (NotDeclaredByCode.Count == 0 ? "none" : string.Join("; ", NotDeclaredByCode));
}
