using k8s;
using k8s.Models;

namespace SlmFleet.Operator.Runtime;

/// <summary>
/// Runs an <see cref="IReconciler{T}"/>: informer events → filter → de-duplicating rate-limited
/// queue → N workers. Owned objects (and any mapped kind) enqueue their owner's key, so a changed or
/// deleted Deployment brings its SlmDeployment back to the reconciler. A reconcile that throws is
/// retried with back-off; one that asks for RequeueAfter runs again after that delay.
/// Can be started again after it stopped (e.g. leadership regained): each run has a fresh queue.
/// </summary>
internal sealed class Controller<T> : IController
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Informer<T> _primary;
    private readonly IReconciler<T> _reconciler;
    private readonly ControllerOptions<T> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RuntimeMetrics _metrics;
    private readonly List<IInformer> _informers;
    private volatile WorkQueue<ObjectKey>? _queue;
    private volatile bool _started;

    public Controller(string name, Informer<T> primary, IReconciler<T> reconciler, ControllerOptions<T> options, TimeProvider time, ILogger logger, RuntimeMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Workers);
        Name = name;
        _primary = primary;
        _reconciler = reconciler;
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _informers = [primary];
        primary.AddHandler(change =>
        {
            if (_options.Filter(change))
            {
                Enqueue(change.Key);
            }
        });
    }

    public string Name { get; }

    public bool IsStarted => _started;

    public IReadOnlyList<IInformer> Informers => _informers;

    /// <summary>The queue of the current run (null while stopped); exposed for tests and metrics.</summary>
    internal WorkQueue<ObjectKey>? Queue => _queue;

    /// <summary>
    /// Reconciles the owner when an object of <typeparamref name="TOwned"/> changes: every owner
    /// reference of the primary kind (by kind and API group) maps to the owner's key.
    /// </summary>
    public void Owns<TOwned>(Informer<TOwned> owned)
        where TOwned : class, IKubernetesObject<V1ObjectMeta>
    {
        Watches(owned, change => OwnerKeys(change.Object).Concat(change.Old is null ? [] : OwnerKeys(change.Old)).Distinct());
    }

    /// <summary>Reconciles the keys <paramref name="map"/> returns for each change of another kind.</summary>
    public void Watches<TOther>(Informer<TOther> other, Func<InformerEvent<TOther>, IEnumerable<ObjectKey>> map)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(map);
        _informers.Add(other);
        other.AddHandler(change =>
        {
            foreach (var key in map(change))
            {
                Enqueue(key);
            }
        });
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_informers.Select(i => i.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        using var queue = new WorkQueue<ObjectKey>(Name, _options.Queue, _time, _metrics);
        _queue = queue;
        foreach (var obj in _primary.List())
        {
            queue.Add(ObjectKey.Of(obj));
        }

        var workers = Enumerable.Range(0, _options.Workers)
            .Select(_ => Task.Run(() => WorkerAsync(queue, cancellationToken), CancellationToken.None))
            .ToArray();
        _started = true;
        RuntimeLog.ControllerStarted(_logger, Name, _options.Workers);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Normal stop: shutdown or leadership lost.
        }
        finally
        {
            _started = false;
            _queue = null;
            queue.ShutDown();
            await Task.WhenAll(workers).ConfigureAwait(false);
            RuntimeLog.ControllerStopped(_logger, Name);
        }
    }

    private void Enqueue(ObjectKey key) => _queue?.Add(key);

    private IEnumerable<ObjectKey> OwnerKeys(IKubernetesObject<V1ObjectMeta> obj)
    {
        var references = obj.Metadata?.OwnerReferences;
        if (references is null)
        {
            yield break;
        }

        foreach (var reference in references)
        {
            if (reference.Kind == _primary.Resource.Kind && Group(reference.ApiVersion) == _primary.Resource.Group)
            {
                yield return new ObjectKey(string.IsNullOrEmpty(obj.Metadata!.NamespaceProperty) ? null : obj.Metadata.NamespaceProperty, reference.Name);
            }
        }
    }

    private static string Group(string? apiVersion)
    {
        var slash = apiVersion?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        return slash < 0 ? "" : apiVersion![..slash];
    }

    private async Task WorkerAsync(WorkQueue<ObjectKey> queue, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            (bool Ok, ObjectKey Key) next;
            try
            {
                next = await queue.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!next.Ok)
            {
                return;
            }

            try
            {
                await ProcessAsync(queue, next.Key, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                queue.Done(next.Key);
            }
        }
    }

    private async Task ProcessAsync(WorkQueue<ObjectKey> queue, ObjectKey key, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        string outcome;
        try
        {
            var result = await _reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
            if (result.RequeueAfter is { } delay)
            {
                queue.Forget(key);
                queue.AddAfter(key, delay);
                outcome = "requeue_after";
            }
            else if (result.Requeue)
            {
                queue.AddRateLimited(key);
                outcome = "requeue";
            }
            else
            {
                queue.Forget(key);
                outcome = "success";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "cancelled";
        }
#pragma warning disable CA1031 // A reconciler bug must not kill the worker: log, count, retry with back-off.
        catch (Exception e)
#pragma warning restore CA1031
        {
            RuntimeLog.ReconcileFailed(_logger, e, Name, key.ToString(), queue.NumRequeues(key) + 1);
            _metrics.ReconcileErrors.WithLabels(Name).Inc();
            queue.AddRateLimited(key);
            outcome = "error";
        }

        _metrics.Reconciles.WithLabels(Name, outcome).Inc();
        _metrics.ReconcileDuration.WithLabels(Name).Observe(_time.GetElapsedTime(started).TotalSeconds);
    }
}
