using FluentAssertions;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Chart.Tests.Infrastructure;
using SlmFleet.Operator.Rbac;

namespace SlmFleet.Chart.Tests.Rbac;

/// <summary>
/// Reads the permissions a rendered chart grants to one component's ServiceAccount: every ClusterRole and
/// Role bound to it. ClusterRoles and Roles in other namespaces than the release's (the optional per-namespace
/// Secret access) count as <see cref="RbacScope.Cluster"/>: they grant a cluster-scoped need more narrowly.
/// Roles in the release namespace count as <see cref="RbacScope.OwnNamespace"/>.
/// </summary>
internal static class ChartRbac
{
    public static IReadOnlyList<RbacPermission> GrantedTo(RenderedChart chart, string serviceAccount)
    {
        var permissions = new List<RbacPermission>();
        foreach (var binding in chart.OfKind("ClusterRoleBinding").Select(KubernetesModels.ToModel<V1ClusterRoleBinding>))
        {
            if (!Binds(binding.Subjects, serviceAccount))
            {
                continue;
            }

            var role = KubernetesModels.ToModel<V1ClusterRole>(chart.Single("ClusterRole", binding.RoleRef.Name));
            permissions.AddRange(Flatten(role.Rules, RbacScope.Cluster, role.Metadata.Name));
        }

        foreach (var binding in chart.OfKind("RoleBinding").Select(KubernetesModels.ToModel<V1RoleBinding>))
        {
            if (!Binds(binding.Subjects, serviceAccount))
            {
                continue;
            }

            binding.RoleRef.Kind.Should().Be("Role", $"RoleBinding {binding.Metadata.Name} should bind a Role");
            var role = chart.OfKind("Role").Select(KubernetesModels.ToModel<V1Role>)
                .Single(r => r.Metadata.Name == binding.RoleRef.Name && r.Metadata.NamespaceProperty == binding.Metadata.NamespaceProperty);
            var scope = role.Metadata.NamespaceProperty == RenderScenario.ReleaseNamespace ? RbacScope.OwnNamespace : RbacScope.Cluster;
            permissions.AddRange(Flatten(role.Rules, scope, role.Metadata.Name));
        }

        return permissions.Distinct().ToList();
    }

    private static bool Binds(IList<Rbacv1Subject>? subjects, string serviceAccount) =>
        subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == serviceAccount && s.NamespaceProperty == RenderScenario.ReleaseNamespace) == true;

    private static IEnumerable<RbacPermission> Flatten(IList<V1PolicyRule>? rules, RbacScope scope, string roleName)
    {
        foreach (var rule in rules ?? [])
        {
            if (rule.ResourceNames is { Count: > 0 } || rule.NonResourceURLs is { Count: > 0 })
            {
                Assert.Fail($"role {roleName} uses resourceNames/nonResourceURLs, which the comparison does not model");
            }

            foreach (var group in rule.ApiGroups ?? [])
            {
                foreach (var resource in rule.Resources ?? [])
                {
                    foreach (var verb in rule.Verbs ?? [])
                    {
                        if (group == "*" || resource == "*" || verb == "*")
                        {
                            Assert.Fail($"role {roleName} grants a wildcard ({verb} {group}/{resource}); least privilege forbids it");
                        }

                        yield return new RbacPermission(group, resource, verb, scope);
                    }
                }
            }
        }
    }
}
