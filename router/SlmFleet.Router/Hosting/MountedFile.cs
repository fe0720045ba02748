namespace SlmFleet.Router.Hosting;

/// <summary>Change detection for files mounted from Kubernetes Secrets.</summary>
internal static class MountedFile
{
    /// <summary>
    /// The last write time of the file a path finally points at. A Secret volume's <c>tls.crt</c> is a
    /// symlink into <c>..data/</c>, and the kubelet renews it by swapping the <c>..data</c> link; the
    /// link itself never changes, and <see cref="File.GetLastWriteTimeUtc(string)"/> reports the link's
    /// own time on Linux, so it would never see a renewal. Missing files give <see cref="DateTime.MinValue"/>.
    /// </summary>
    public static DateTime LastWriteTimeUtc(string path)
    {
        try
        {
            var file = new FileInfo(path);
            var target = file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) ?? file;
            return target.Exists ? target.LastWriteTimeUtc : DateTime.MinValue;
        }
        catch (IOException)
        {
            // A link loop or a swap in progress: report "unknown", and the next check looks again.
            return DateTime.MinValue;
        }
    }
}
