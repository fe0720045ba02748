using System.Runtime.InteropServices;

namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>
/// A folder laid out like the kubelet's Secret volume: <c>tls.crt -> ..data/tls.crt</c>,
/// <c>..data -> ..generation-N</c>. <see cref="Rotate"/> swaps <c>..data</c> atomically, as the kubelet
/// does when a Secret changes (cert-manager renewing a certificate, a rotated key).
/// </summary>
public sealed class SecretVolume : IDisposable
{
    private int _generation;

    private SecretVolume(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>The path a reader is given: the symlink for <paramref name="name"/> at the volume's top.</summary>
    public string PathOf(string name) => Path.Combine(Directory, name);

    public static SecretVolume Create(params (string Name, string Text)[] files)
    {
        var volume = new SecretVolume(Path.Combine(Path.GetTempPath(), "slm-secret-" + Guid.NewGuid().ToString("N")[..8]));
        System.IO.Directory.CreateDirectory(volume.Directory);
        var generation = volume.WriteGeneration(files);
        File.CreateSymbolicLink(Path.Combine(volume.Directory, "..data"), generation);
        foreach (var (name, _) in files)
        {
            File.CreateSymbolicLink(volume.PathOf(name), Path.Combine("..data", name));
        }

        return volume;
    }

    /// <summary>Writes a new generation (the same file names) and points <c>..data</c> at it with one rename.</summary>
    public void Rotate(params (string Name, string Text)[] files)
    {
        var generation = WriteGeneration(files);
        var temporary = Path.Combine(Directory, "..data_tmp");
        File.CreateSymbolicLink(temporary, generation);
        // rename(2) replaces the link atomically; File.Move would follow it to the directory.
        if (Rename(temporary, Path.Combine(Directory, "..data")) != 0)
        {
            throw new IOException($"rename of {temporary} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Overwrites files of the current generation in place, as a writer caught half-way would leave them.</summary>
    public void OverwriteInPlace(params (string Name, string Text)[] files)
    {
        foreach (var (name, text) in files)
        {
            Write(Path.Combine(Directory, $"..generation-{_generation}", name), text);
        }
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Rename(string oldPath, string newPath);

    private string WriteGeneration((string Name, string Text)[] files)
    {
        var name = $"..generation-{++_generation}";
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, name));
        foreach (var (file, text) in files)
        {
            Write(Path.Combine(Directory, name, file), text);
        }

        return name;
    }

    // File-system timestamps can be coarser than the test is fast; every write moves the time on
    // by a second past anything written before, as a real change minutes later would.
    private void Write(string path, string text)
    {
        var previous = System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories)
            .Where(f => !new FileInfo(f).Attributes.HasFlag(FileAttributes.ReparsePoint))
            .Select(File.GetLastWriteTimeUtc)
            .DefaultIfEmpty(DateTime.UtcNow)
            .Max();
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, previous.AddSeconds(1));
    }
}
