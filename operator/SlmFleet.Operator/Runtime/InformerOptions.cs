namespace SlmFleet.Operator.Runtime;

/// <summary>Timings of an <see cref="Informer{T}"/>.</summary>
internal sealed class InformerOptions
{
    /// <summary>How often every cached object is handed to the handlers again; zero turns resync off.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// timeoutSeconds sent with each watch. Kept under KubernetesClient's 100 s HTTP timeout, which
    /// covers the wait for a watch's first line.
    /// </summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First delay after a failed list or watch; doubles per failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Largest delay between retries of a failing list or watch.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
