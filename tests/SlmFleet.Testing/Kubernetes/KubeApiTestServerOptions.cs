namespace SlmFleet.Testing.Kubernetes;

/// <summary>Settings of a <see cref="KubeApiTestServer"/>.</summary>
public sealed class KubeApiTestServerOptions
{
    /// <summary>Clock for creation and deletion timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Seed for generated names and random faults, so runs repeat.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How many changes the watch history keeps; a watch from an older resourceVersion gets 410 Expired.</summary>
    public int WatchHistoryLimit { get; init; } = 10_000;

    /// <summary>How often a watch that asked for bookmarks (and is idle) gets a BOOKMARK event.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a watch stays open when the request gives no timeoutSeconds.</summary>
    public TimeSpan DefaultWatchTimeout { get; init; } = TimeSpan.FromMinutes(30);
}
