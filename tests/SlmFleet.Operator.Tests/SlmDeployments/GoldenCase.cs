using k8s;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary>
/// One folder under testdata/: input.yaml (the SlmDeployment, then any Secrets and PersistentVolumeClaims that exist) and the
/// expected rendering. Run with UPDATE_GOLDEN=1 to rewrite the expected files, then review the diff.
/// </summary>
internal sealed class GoldenCase
{
    public static readonly DateTime Now = new(2026, 1, 15, 9, 30, 0, DateTimeKind.Utc);

    private static readonly Dictionary<string, Type> TypeMap = new()
    {
        ["slmfleet.io/v1alpha1/SlmDeployment"] = typeof(V1Alpha1SlmDeployment),
        ["v1/Secret"] = typeof(V1Secret),
        ["v1/PersistentVolumeClaim"] = typeof(V1PersistentVolumeClaim),
    };

    public GoldenCase(string name) => Name = name;

    public string Name { get; }

    public static string SourceFolder => Path.Combine(TestPaths.RepositoryRoot, "tests", "SlmFleet.Operator.Tests", "testdata");

    public string Folder => Path.Combine(SourceFolder, Name);

    public static bool Update => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    public SlmDeploymentObserved LoadObserved()
    {
        var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Folder, "input.yaml")), TypeMap);
        var resource = objects.OfType<V1Alpha1SlmDeployment>().Single();
        var secretName = resource.Spec.Model.Source.SecretRef?.Name;
        var secret = objects.OfType<V1Secret>().SingleOrDefault(s => s.Metadata.Name == secretName);
        return new SlmDeploymentObserved
        {
            Resource = resource,
            SourceSecretKeys = secret is null ? null : [.. (secret.Data?.Keys ?? []).Concat(secret.StringData?.Keys ?? [])],
            Claims = objects.OfType<V1PersistentVolumeClaim>().ToDictionary(c => c.Metadata.Name, StringComparer.Ordinal),
            Now = Now,
        };
    }

    /// <summary>The expected text of <paramref name="file"/>, or null when the case expects no such object.</summary>
    public string? Expected(string file)
    {
        var path = Path.Combine(Folder, file);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    public void Write(string file, string? content)
    {
        var path = Path.Combine(Folder, file);
        if (content is null)
        {
            File.Delete(path);
        }
        else
        {
            File.WriteAllText(path, content);
        }
    }

    public override string ToString() => Name;
}
