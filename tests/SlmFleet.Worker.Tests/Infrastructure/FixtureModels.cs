using SlmFleet.Testing;

namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>
/// Finds the shared model fixtures (official ONNX Runtime GenAI exports with reference outputs,
/// described in their models/README.md). They live outside the repository, so tests that need
/// them are ignored, not failed, where they are absent.
/// </summary>
public static class FixtureModels
{
    /// <summary>The variable that overrides where the fixtures are: the folder that holds <c>models/</c>.</summary>
    public const string Variable = "SLMFLEET_FIXTURES";

    /// <summary>Where the fixtures are looked for: $SLMFLEET_FIXTURES, else &lt;repo root&gt;/../shared/fixtures.</summary>
    public static string Expected { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set
        ? Path.GetFullPath(set)
        : Path.GetFullPath(Path.Combine(TestPaths.RepositoryRoot, "..", "shared", "fixtures"));

    /// <summary>The fixtures folder (it holds <c>models/</c>), or null where it is absent.</summary>
    public static string? Root { get; } = Directory.Exists(Path.Combine(Expected, "models")) ? Expected : null;

    /// <summary>The model folder <c>models/&lt;name&gt;</c>; ignores the calling test where it is absent.</summary>
    public static string Folder(string name)
    {
        if (Root is null)
        {
            Assert.Ignore($"fixtures not found at {Expected} (set {Variable} to the folder that holds models/)");
        }

        var folder = Path.Combine(Root!, "models", name);
        if (!Directory.Exists(folder))
        {
            Assert.Ignore($"fixture model {name} not found at {folder}");
        }

        return folder;
    }
}
