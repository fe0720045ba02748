namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>
/// The official builder's exports in <c>../shared/fixtures/models</c> (or <c>SLMFLEET_FIXTURES</c>).
/// They live beside the repository, not in it; a machine without them reports the tests that need
/// them as skipped, with the path it looked at.
/// </summary>
public static class FixtureModels
{
    public static string? Root { get; } = Locate();

    /// <summary>The folder of one fixture; ignores the calling test when the fixtures are absent.</summary>
    public static string Folder(string name)
    {
        if (Root is null)
        {
            Assert.Ignore($"model fixtures not found (set SLMFLEET_FIXTURES or place them at <repo>/../shared/fixtures): {name}");
        }

        var folder = Path.Combine(Root!, "models", name);
        if (!Directory.Exists(folder))
        {
            Assert.Ignore($"model fixture {name} not found under {Root}");
        }

        return folder;
    }

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("SLMFLEET_FIXTURES") is { Length: > 0 } configured)
        {
            return Directory.Exists(configured) ? configured : null;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Operator.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "fixtures"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }

        return null;
    }
}
