using System.Collections.Concurrent;

namespace SlmFleet.Testing.ControlPlane;

/// <summary>One request a client sent: method, path, query, and the response's status code (null when none came back).</summary>
public sealed record LoggedRequest(HttpMethod Method, string Path, string Query, int? StatusCode)
{
    /// <summary>True for a 2xx response.</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// A client-side handler that records every request a client sends (method, path and response status), to
/// count API requests and writes. A request is recorded once its response headers arrive (a watch: when
/// it opens), or when it fails without a response.
/// </summary>
public sealed class RequestLog : DelegatingHandler
{
    private readonly ConcurrentQueue<LoggedRequest> _requests = new();

    public IReadOnlyList<LoggedRequest> Requests => [.. _requests];

    /// <summary>Requests that change something (anything but GET; watches are GETs).</summary>
    public IReadOnlyList<LoggedRequest> Writes => [.. _requests.Where(r => r.Method != HttpMethod.Get)];

    public void Clear() => _requests.Clear();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        int? status = null;
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            return response;
        }
        finally
        {
            _requests.Enqueue(new LoggedRequest(request.Method, request.RequestUri?.AbsolutePath ?? "", request.RequestUri?.Query ?? "", status));
        }
    }
}
