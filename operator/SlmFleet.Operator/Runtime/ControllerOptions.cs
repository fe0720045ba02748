using k8s;
using k8s.Models;

namespace SlmFleet.Operator.Runtime;

/// <summary>Settings of a <see cref="Controller{T}"/>.</summary>
internal sealed class ControllerOptions<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Concurrent reconciles (of different keys).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Rate limits of the controller's queue.</summary>
    public WorkQueueOptions Queue { get; init; } = new();

    /// <summary>
    /// Which primary events enqueue a reconcile. Default: <see cref="EventFilters.GenerationChanged{T}"/>.
    /// Compose with <c>e =&gt; EventFilters.GenerationChanged(e) || MyStatusCheck(e)</c> to also react
    /// to status-relevant changes.
    /// </summary>
    public Func<InformerEvent<T>, bool> Filter { get; init; } = EventFilters.GenerationChanged;
}
