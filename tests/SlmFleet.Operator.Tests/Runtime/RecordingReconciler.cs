using k8s;
using System.Collections.Concurrent;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.Tests.Testing;

namespace SlmFleet.Operator.Tests.Runtime;

/// <summary>
/// A real reconciler for runtime tests: reads the widget from the informer cache, writes
/// status.observedGeneration through the API (so status-only events flow back), records each call,
/// and can be told to fail or to ask for a requeue.
/// </summary>
internal sealed class RecordingReconciler : IReconciler<TestWidget>
{
    private readonly ConcurrentDictionary<ObjectKey, int> _inFlight = new();
    private int _overlaps;

    public Func<ObjectKey, int, Task<ReconcileResult>>? Behaviour { get; set; }

    public ConcurrentQueue<(ObjectKey Key, long? Generation)> Calls { get; } = new();

    public Informer<TestWidget>? Cache { get; set; }

    public k8s.IKubernetes? Client { get; set; }

    public int Overlaps => _overlaps;

    public int CallsFor(string name) => Calls.Count(c => c.Key.Name == name);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (_inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            var widget = Cache?.Get(key);
            Calls.Enqueue((key, widget?.Metadata.Generation));
            await Task.Yield();
            if (Behaviour is not null)
            {
                return await Behaviour(key, CallsFor(key.Name));
            }

            if (widget is not null && Client is not null && widget.Status?.ObservedGeneration != widget.Metadata.Generation)
            {
                var patch = new k8s.Models.V1Patch($$$"""{"status":{"observedGeneration":{{{widget.Metadata.Generation}}}}}""", k8s.Models.V1Patch.PatchType.MergePatch);
                await Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, TestWidget.GroupName, TestWidget.VersionName, key.Namespace, TestWidget.PluralName, key.Name, cancellationToken: cancellationToken);
            }

            return ReconcileResult.Done;
        }
        finally
        {
            _inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
        }
    }
}
