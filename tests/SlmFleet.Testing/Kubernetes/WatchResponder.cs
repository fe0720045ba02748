using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// Serves <c>?watch=true</c>: a streamed, newline-separated series of <c>{type, object}</c> events
/// from the store's history and live changes, with bookmarks when asked for, ERROR 410 for an expired
/// resourceVersion, timeoutSeconds, and the watch faults (cut after N events, forced 410).
/// </summary>
internal sealed class WatchResponder
{
    private readonly ObjectStore _store;
    private readonly FaultInjector _faults;
    private readonly KubeApiTestServerOptions _options;
    private readonly CancellationToken _stopping;

    public WatchResponder(ObjectStore store, FaultInjector faults, KubeApiTestServerOptions options, CancellationToken stopping)
    {
        _store = store;
        _faults = faults;
        _options = options;
        _stopping = stopping;
    }

    public async Task RespondAsync(HttpContext context, ApiRoute route)
    {
        var request = context.Request;
        var response = context.Response;
        var labels = LabelSelector.Parse(request.Query["labelSelector"]);
        var fields = FieldSelector.Parse(request.Query["fieldSelector"]);
        var since = RequestBodies.ParseVersion(request.Query["resourceVersion"]);
        var bookmarks = KubeApiTestServer.IsTrue(request.Query["allowWatchBookmarks"]);
        var timeout = int.TryParse(request.Query["timeoutSeconds"], out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : _options.DefaultWatchTimeout;

        response.StatusCode = 200;
        response.ContentType = "application/json";
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        if (_faults.TakeGone())
        {
            await WriteLineAsync(response, ErrorLine(KubeApiException.Gone($"too old resource version: {since} (forced by fault injection)")), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        WatchSubscription subscription;
        try
        {
            subscription = _store.Subscribe(route.Type, route.Namespace, labels, fields, since);
        }
        catch (KubeApiException e)
        {
            await WriteLineAsync(response, ErrorLine(e), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        lifetime.CancelAfter(timeout);
        try
        {
            await StreamEventsAsync(response, route, subscription, bookmarks, lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Timeout, client gone or server stopping: the stream just ends, as a real watch does.
        }
        finally
        {
            _store.Unsubscribe(subscription);
        }
    }

    private async Task StreamEventsAsync(HttpResponse response, ApiRoute route, WatchSubscription subscription, bool bookmarks, CancellationToken cancellationToken)
    {
        var sent = 0;
        while (true)
        {
            bool more;
            using (var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                if (bookmarks)
                {
                    tick.CancelAfter(_options.BookmarkInterval);
                }

                try
                {
                    more = await subscription.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    if (_store.BookmarkVersion(subscription) is { } version)
                    {
                        await WriteLineAsync(response, BookmarkLine(route.Type, version), cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }
            }

            if (!more)
            {
                return;
            }

            while (subscription.Reader.TryRead(out var record))
            {
                await WriteLineAsync(response, record.Line, cancellationToken).ConfigureAwait(false);
                sent++;
                if (_faults.CutWatchesAfterEvents is { } cut && sent >= cut)
                {
                    // Injected fault: end the stream early, as a proxy or an API server restart would.
                    return;
                }
            }
        }
    }

    private static string BookmarkLine(ResourceType type, long version) => new JsonObject
    {
        ["type"] = "BOOKMARK",
        ["object"] = new JsonObject
        {
            ["apiVersion"] = type.ApiVersion,
            ["kind"] = type.Kind,
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        },
    }.ToJsonString();

    private static string ErrorLine(KubeApiException error) =>
        new JsonObject { ["type"] = "ERROR", ["object"] = error.ToStatus() }.ToJsonString();

    private static async Task WriteLineAsync(HttpResponse response, string line, CancellationToken cancellationToken)
    {
        await response.WriteAsync(line + "\n", Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
