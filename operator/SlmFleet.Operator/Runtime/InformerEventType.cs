namespace SlmFleet.Operator.Runtime;

/// <summary>What happened to a cached object.</summary>
internal enum InformerEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>A periodic resync: the object did not change, handlers get it again to re-check drift.</summary>
    Resync,
}
