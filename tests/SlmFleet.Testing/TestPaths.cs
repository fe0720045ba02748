namespace SlmFleet.Testing;

/// <summary>Locates the repository root so tests can read committed files (crds/, examples/, charts/).</summary>
public static class TestPaths
{
    /// <summary>The folder that holds <c>Operator.sln</c>, found by walking up from the test's base directory.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Operator.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName
            ?? throw new InvalidOperationException($"Operator.sln not found above {AppContext.BaseDirectory}");
    }
}
