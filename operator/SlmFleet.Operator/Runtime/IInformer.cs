namespace SlmFleet.Operator.Runtime;

/// <summary>The part of an informer the manager and controllers need without knowing its type.</summary>
internal interface IInformer
{
    /// <summary>The resource it lists and watches.</summary>
    ResourceDescriptor Resource { get; }

    /// <summary>True once the first list has filled the cache.</summary>
    bool HasSynced { get; }

    /// <summary>Lists, then watches until cancelled, recovering from errors on its own.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Completes when the first list has filled the cache.</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken);
}
