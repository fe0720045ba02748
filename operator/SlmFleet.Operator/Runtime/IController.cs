namespace SlmFleet.Operator.Runtime;

/// <summary>A controller as the manager sees it: informers to wait for, a loop to run while leader.</summary>
internal interface IController
{
    string Name { get; }

    /// <summary>True while workers are running (after the initial enqueue).</summary>
    bool IsStarted { get; }

    /// <summary>Informers (primary and watched) that must be synced before workers start.</summary>
    IReadOnlyList<IInformer> Informers { get; }

    /// <summary>Waits for informers, enqueues every primary object, runs workers until cancelled, then drains.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
