using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SlmFleet.Operator.Runtime;

/// <summary>
/// List-then-watch cache of one kind, for any type (built-in or custom resource), through
/// KubernetesClient's generic custom-object calls (which also serve the core group).
/// <code>
///   list ──► replace cache, remember list resourceVersion ──► watch from it ──► apply events
///     ▲                                                          │  stream ended: re-watch from last RV
///     └──────────── 410 Gone (RV too old) ◄──────────────────────┤  error: back off, re-watch
///                                                                 └─ bookmarks only advance the RV
/// </code>
/// Handlers run on the informer's thread and must be quick (typically: enqueue a key).
/// </summary>
internal sealed class Informer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IKubernetes _client;
    private readonly InformerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RuntimeMetrics _metrics;
    private readonly ConcurrentDictionary<ObjectKey, T> _cache = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _handlersGate = new();
    private readonly string _label;
    private Action<InformerEvent<T>>[] _handlers = [];
    private volatile string? _resourceVersion;

    public Informer(IKubernetes client, ResourceDescriptor resource, InformerOptions options, TimeProvider time, ILogger logger, RuntimeMetrics metrics)
    {
        _client = client;
        Resource = resource;
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _label = resource.ToString();
    }

    public ResourceDescriptor Resource { get; }

    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The resourceVersion the next watch starts from (last list, event or bookmark).</summary>
    public string? LastResourceVersion => _resourceVersion;

    /// <summary>Number of cached objects.</summary>
    public int Count => _cache.Count;

    /// <summary>Subscribes to changes. Handlers added after sync do not get the existing objects replayed.</summary>
    public void AddHandler(Action<InformerEvent<T>> handler)
    {
        lock (_handlersGate)
        {
            _handlers = [.. _handlers, handler];
        }
    }

    /// <summary>
    /// Applied to every object before it is cached or handed to handlers (client-go's SetTransform):
    /// e.g. trims objects a controller only needs to recognise down to their metadata. Set before
    /// <see cref="RunAsync"/>.
    /// </summary>
    public Func<T, T>? Transform { get; set; }

    /// <summary>The cached object, or null when absent. Callers must not mutate it.</summary>
    public T? Get(ObjectKey key) => _cache.TryGetValue(key, out var obj) ? obj : null;

    /// <summary>A snapshot of every cached object.</summary>
    public IReadOnlyList<T> List() => _cache.Values.ToList();

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new ExponentialBackoff(_options.InitialBackoff, _options.MaxBackoff);
        using var resync = _options.ResyncPeriod > TimeSpan.Zero
            ? _time.CreateTimer(_ => Resync(), null, _options.ResyncPeriod, _options.ResyncPeriod)
            : null;
        var needList = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    needList = false;
                }

                var (expired, events) = await WatchAsync(cancellationToken).ConfigureAwait(false);
                _metrics.WatchRestarts.WithLabels(_label).Inc();
                if (expired)
                {
                    RuntimeLog.WatchExpired(_logger, _label, _resourceVersion);
                    needList = true;
                }
                else
                {
                    RuntimeLog.WatchEnded(_logger, _label, events, _resourceVersion);
                }

                backoff.Reset();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (HttpRequestException e) when (e.InnerException is EndOfStreamException)
            {
                // KubernetesClient waits for a watch's first line; a watch that times out with no
                // event at all surfaces as this. It is a normal end: just watch again.
                _metrics.WatchRestarts.WithLabels(_label).Inc();
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException or IOException or System.Text.Json.JsonException or OperationCanceledException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Cancelling a watch can surface as an I/O error; it is still just shutdown.
                    break;
                }

                var delay = RetryDelay(e, backoff.Next());
                RuntimeLog.ListWatchFailed(_logger, e, _label, delay);
                if (!await DelayAsync(delay, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
    }

    /// <summary>Waits on the injected clock; false when cancelled (shutdown), so the loop just ends.</summary>
    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var response = Resource.Namespace is null
            ? await _client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(
                Resource.Group, Resource.Version, Resource.Plural, labelSelector: Resource.LabelSelector, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await _client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(
                Resource.Group, Resource.Version, Resource.Namespace, Resource.Plural, labelSelector: Resource.LabelSelector, cancellationToken: cancellationToken).ConfigureAwait(false);
        using (response)
        {
            var list = response.Body switch
            {
                System.Text.Json.JsonElement element => KubernetesJson.Deserialize<KubernetesList<T>>(element),
                var other => KubernetesJson.Deserialize<KubernetesList<T>>(KubernetesJson.Serialize(other)),
            };
            _metrics.InformerRelists.WithLabels(_label).Inc();
            Replace(list.Items ?? []);
            _resourceVersion = list.Metadata?.ResourceVersion;
            RuntimeLog.Listed(_logger, _label, _cache.Count, _resourceVersion);
        }

        _synced.TrySetResult();
    }

    private async Task<(bool Expired, int Events)> WatchAsync(CancellationToken cancellationToken)
    {
        var timeout = (int)Math.Max(1, _options.WatchTimeout.TotalSeconds);
        var request = Resource.Namespace is null
            ? _client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(
                Resource.Group, Resource.Version, Resource.Plural, allowWatchBookmarks: true, labelSelector: Resource.LabelSelector,
                resourceVersion: _resourceVersion, timeoutSeconds: timeout, watch: true, cancellationToken: cancellationToken)
            : _client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(
                Resource.Group, Resource.Version, Resource.Namespace, Resource.Plural, allowWatchBookmarks: true, labelSelector: Resource.LabelSelector,
                resourceVersion: _resourceVersion, timeoutSeconds: timeout, watch: true, cancellationToken: cancellationToken);

        var expired = false;
        Exception? streamError = null;
        var events = 0;
#pragma warning disable CS0618 // The non-obsolete watch helpers for custom objects yield untyped objects; this one stays typed.
        var stream = request.WatchAsync<T, object>(
            error =>
            {
                if (error is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
                {
                    expired = true;
                }
                else
                {
                    streamError ??= error;
                }
            },
            cancellationToken);
#pragma warning restore CS0618
        await foreach (var (type, obj) in stream.ConfigureAwait(false))
        {
            events++;
            Apply(type, obj);
        }

        if (streamError is not null && !expired)
        {
            throw new IOException($"watch of {_label} reported an error: {streamError.Message}", streamError);
        }

        return (expired, events);
    }

    private void Apply(WatchEventType type, T obj)
    {
        if (type != WatchEventType.Bookmark && Transform is { } transform && obj is { Metadata: not null })
        {
            obj = transform(obj);
        }

        var version = obj.Metadata?.ResourceVersion;
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                var key = ObjectKey.Of(obj);
                var existed = _cache.TryGetValue(key, out var old);
                _cache[key] = obj;
                Dispatch(new InformerEvent<T>(existed ? InformerEventType.Modified : InformerEventType.Added, obj, old));
                break;
            case WatchEventType.Deleted:
                _cache.TryRemove(ObjectKey.Of(obj), out var removed);
                Dispatch(new InformerEvent<T>(InformerEventType.Deleted, obj, removed));
                break;
            case WatchEventType.Bookmark:
                break;
            default:
                return;
        }

        if (!string.IsNullOrEmpty(version))
        {
            _resourceVersion = version;
        }
    }

    /// <summary>Swaps in a fresh list, telling handlers what changed since the previous cache.</summary>
    private void Replace(IList<T> items)
    {
        var seen = new HashSet<ObjectKey>();
        foreach (var item in items)
        {
            var obj = Transform is { } transform ? transform(item) : item;
            var key = ObjectKey.Of(obj);
            seen.Add(key);
            var existed = _cache.TryGetValue(key, out var old);
            _cache[key] = obj;
            if (!existed)
            {
                Dispatch(new InformerEvent<T>(InformerEventType.Added, obj, null));
            }
            else if (old!.Metadata.ResourceVersion != obj.Metadata.ResourceVersion)
            {
                Dispatch(new InformerEvent<T>(InformerEventType.Modified, obj, old));
            }
        }

        foreach (var (key, obj) in _cache.ToArray())
        {
            if (!seen.Contains(key) && _cache.TryRemove(key, out _))
            {
                Dispatch(new InformerEvent<T>(InformerEventType.Deleted, obj, obj));
            }
        }
    }

    private void Resync()
    {
        if (!HasSynced)
        {
            return;
        }

        foreach (var obj in _cache.Values)
        {
            Dispatch(new InformerEvent<T>(InformerEventType.Resync, obj, obj));
        }
    }

    private void Dispatch(InformerEvent<T> change)
    {
        _metrics.InformerEvents.WithLabels(_label, change.Type.ToString()).Inc();
        foreach (var handler in _handlers)
        {
            try
            {
                handler(change);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                RuntimeLog.HandlerFailed(_logger, e, _label);
            }
        }
    }

    private static TimeSpan RetryDelay(Exception error, TimeSpan backoff)
    {
        // Honour Retry-After on 429 (and 503): the server says when to come back.
        if (error is HttpOperationException { Response: { } response }
            && response.Headers.TryGetValue("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), out var seconds))
        {
            var retryAfter = TimeSpan.FromSeconds(seconds);
            return retryAfter > backoff ? retryAfter : backoff;
        }

        return backoff;
    }
}
