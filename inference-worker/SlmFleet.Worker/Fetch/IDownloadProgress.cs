namespace SlmFleet.Worker.Fetch;

/// <summary>Receives byte counts as files download (a progress bar, or nothing).</summary>
internal interface IDownloadProgress
{
    void Report(string file, long done, long? total);
}
