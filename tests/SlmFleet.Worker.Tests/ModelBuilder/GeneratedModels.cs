using SlmFleet.Worker.ModelBuilder;

namespace SlmFleet.Worker.Tests.ModelBuilder;

/// <summary>The tiny preset written once per test run in each precision, for the tests that load it with a runtime.</summary>
[SetUpFixture]
public sealed class GeneratedModels
{
    private static string? _root;

    internal static string Directory(ModelPrecision precision)
        => Path.Combine(_root ?? throw new InvalidOperationException("GeneratedModels set-up has not run"), precision.ToString().ToLowerInvariant());

    [OneTimeSetUp]
    public void Create()
    {
        _root = Path.Combine(Path.GetTempPath(), "slm-model-builder-tests-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var precision in Enum.GetValues<ModelPrecision>())
        {
            ModelFolderWriter.Write(Directory(precision), ModelPreset.Tiny, seed: 7, precision);
        }
    }

    [OneTimeTearDown]
    public void Delete()
    {
        if (_root is not null)
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
    }
}
