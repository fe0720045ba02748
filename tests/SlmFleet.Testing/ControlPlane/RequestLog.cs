using System.Collections.Concurrent;

namespace SlmFleet.Testing.ControlPlane;

/// <summary>A client-side handler that records every request a client sends (method and path), to count API requests and writes.</summary>
public sealed class RequestLog : DelegatingHandler
{
    private readonly ConcurrentQueue<(HttpMethod Method, string Path, string Query)> _requests = new();

    public IReadOnlyList<(HttpMethod Method, string Path, string Query)> Requests => [.. _requests];

    /// <summary>Requests that change something (anything but GET; watches are GETs).</summary>
    public IReadOnlyList<(HttpMethod Method, string Path, string Query)> Writes => [.. _requests.Where(r => r.Method != HttpMethod.Get)];

    public void Clear() => _requests.Clear();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _requests.Enqueue((request.Method, request.RequestUri?.AbsolutePath ?? "", request.RequestUri?.Query ?? ""));
        return base.SendAsync(request, cancellationToken);
    }
}
