namespace SlmFleet.Worker.Fetch;

internal sealed class NoProgress : IDownloadProgress
{
    public static NoProgress Instance { get; } = new();

    public void Report(string file, long done, long? total)
    {
    }
}
