using k8s;
using SlmFleet.Router.Observability;

namespace SlmFleet.Router.Kubernetes;

/// <summary>
/// List, then watch from the list's resourceVersion, keeping a map of current objects and handing the
/// whole set to <c>onChange</c> after each change. Any error or the end of the watch (servers close
/// watches every few minutes; 410 Gone after compaction) re-lists after a back-off.
/// </summary>
internal sealed class ResourceWatch<T>(
    string resource,
    Func<CancellationToken, Task<(IReadOnlyList<T> Items, string? ResourceVersion)>> list,
    Func<string?, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Item)>> watch,
    Func<T, string> key,
    Action<IReadOnlyCollection<T>> onChange,
    TimeProvider time,
    ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var (items, version) = await list(cancellationToken).ConfigureAwait(false);
                var current = items.ToDictionary(key, StringComparer.Ordinal);
                onChange(current.Values.ToArray());
                backoff = TimeSpan.FromSeconds(1);
                await foreach (var (type, item) in watch(version, cancellationToken).ConfigureAwait(false))
                {
                    switch (type)
                    {
                        case WatchEventType.Added or WatchEventType.Modified:
                            current[key(item)] = item;
                            break;
                        case WatchEventType.Deleted:
                            current.Remove(key(item));
                            break;
                        default:
                            continue;
                    }

                    onChange(current.Values.ToArray());
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                RouterLog.WatchFailed(logger, resource, backoff.TotalSeconds, ex);
                await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
