namespace SlmFleet.Worker.Fetch;

/// <summary>One file to download: where from, where to (relative to the destination), and its checksum when the source gives one.</summary>
internal sealed record RemoteFile(Uri Url, string RelativePath, long? Size, string? Sha256);
