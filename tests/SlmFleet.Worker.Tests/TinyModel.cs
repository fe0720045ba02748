using SlmFleet.Worker.ModelBuilder;

namespace SlmFleet.Worker.Tests;

/// <summary>Generates the tiny model once per test run into a temporary folder.</summary>
[SetUpFixture]
public sealed class TinyModel
{
    private static string? _directory;

    public static string Directory => _directory ?? throw new InvalidOperationException("TinyModel set-up has not run");

    [OneTimeSetUp]
    public void Create()
    {
        _directory = Path.Combine(Path.GetTempPath(), "slm-worker-tests-" + Guid.NewGuid().ToString("N")[..8], "tiny");
        ModelFolderWriter.Write(_directory, ModelPreset.Tiny, seed: 7);
    }

    [OneTimeTearDown]
    public void Delete()
    {
        if (_directory is not null)
        {
            System.IO.Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
        }
    }

    /// <summary>A copy of the tiny model that a test may damage.</summary>
    public static string CopyTo(string destination)
    {
        System.IO.Directory.CreateDirectory(destination);
        foreach (var file in System.IO.Directory.GetFiles(Directory))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        return destination;
    }
}
