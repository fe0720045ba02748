namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>GETs one router's /metrics page with a timeout; a failure is counted, logged and answered with null.</summary>
internal sealed class RouterPageReader
{
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private readonly RoutingPolicyMetrics _metrics;
    private readonly ILogger _logger;

    public RouterPageReader(HttpClient http, TimeSpan timeout, RoutingPolicyMetrics metrics, ILogger logger)
    {
        _http = http;
        _timeout = timeout;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task<string?> ReadAsync(string router, Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.GetAsync(url, timeout.Token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            _metrics.Scrapes.WithLabels("ok").Inc();
            return text;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // One unreachable router must not hide the others; the ledger keeps its last numbers.
            _metrics.Scrapes.WithLabels("failed").Inc();
            RoutingPolicyLog.ScrapeFailed(_logger, e, router, url.ToString());
            return null;
        }
    }
}
