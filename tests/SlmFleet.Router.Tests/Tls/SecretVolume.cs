using System.Runtime.InteropServices;

namespace SlmFleet.Router.Tests.Tls;

/// <summary>
/// A folder laid out like the kubelet's Secret volume: <c>tls.crt -> ..data/tls.crt</c>,
/// <c>..data -> ..generation-N</c>. <see cref="Rotate"/> swaps <c>..data</c> atomically, as the kubelet
/// does when cert-manager renews the Secret.
/// </summary>
internal sealed class SecretVolume : IDisposable
{
    private int _generation;

    private SecretVolume(string directory) => Directory = directory;

    public string Directory { get; }

    public string CertificatePath => Path.Combine(Directory, "tls.crt");

    public string KeyPath => Path.Combine(Directory, "tls.key");

    public static SecretVolume Create(string certificatePem, string keyPem)
    {
        var volume = new SecretVolume(Path.Combine(Path.GetTempPath(), "slm-tls-" + Guid.NewGuid().ToString("N")[..8]));
        System.IO.Directory.CreateDirectory(volume.Directory);
        var generation = volume.WriteGeneration(certificatePem, keyPem);
        File.CreateSymbolicLink(Path.Combine(volume.Directory, "..data"), generation);
        File.CreateSymbolicLink(volume.CertificatePath, Path.Combine("..data", "tls.crt"));
        File.CreateSymbolicLink(volume.KeyPath, Path.Combine("..data", "tls.key"));
        return volume;
    }

    /// <summary>Writes a new generation and points <c>..data</c> at it with one rename.</summary>
    public void Rotate(string certificatePem, string keyPem)
    {
        var generation = WriteGeneration(certificatePem, keyPem);
        var temporary = Path.Combine(Directory, "..data_tmp");
        File.CreateSymbolicLink(temporary, generation);
        // rename(2) replaces the link atomically; File.Move would follow it to the directory.
        if (Rename(temporary, Path.Combine(Directory, "..data")) != 0)
        {
            throw new IOException($"rename of {temporary} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Overwrites the current generation's files in place (a writer caught half-way); null leaves a file alone.</summary>
    public void OverwriteInPlace(string? certificateText, string? keyText)
    {
        if (certificateText is not null)
        {
            Write(Path.Combine(Directory, $"..generation-{_generation}", "tls.crt"), certificateText);
        }

        if (keyText is not null)
        {
            Write(Path.Combine(Directory, $"..generation-{_generation}", "tls.key"), keyText);
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Rename(string oldPath, string newPath);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private string WriteGeneration(string certificatePem, string keyPem)
    {
        var name = $"..generation-{++_generation}";
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, name));
        Write(Path.Combine(Directory, name, "tls.crt"), certificatePem);
        Write(Path.Combine(Directory, name, "tls.key"), keyPem);
        return name;
    }

    // File-system timestamps can be coarser than the test is fast; every write moves the time on
    // by a second past anything written before, as a real renewal minutes later would.
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
