using System.Diagnostics;
using System.Net.Http.Headers;

namespace SlmFleet.Bench.Router;

/// <summary>
/// HTTP/1.1 keep-alive load on loopback. <see cref="FixedRateAsync"/> is open-loop (requests start on a
/// schedule whether or not earlier ones finished), <see cref="ClosedLoopAsync"/> keeps N requests in
/// flight to find the maximum rate. Both are bounded in time.
/// </summary>
internal sealed class LoadGenerator : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 512,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<LatencyStats> FixedRateAsync(Target target, int requestsPerSecond, TimeSpan duration)
    {
        var total = (int)(requestsPerSecond * duration.TotalSeconds);
        var latencies = new double[total];
        var errors = 0;
        var tasks = new List<Task>(total);
        var interval = Stopwatch.Frequency / (double)requestsPerSecond;
        var start = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        var sent = 0;
        while (sent < total && await timer.WaitForNextTickAsync())
        {
            var due = Math.Min(total, (int)((Stopwatch.GetTimestamp() - start) / interval) + 1);
            for (; sent < due; sent++)
            {
                var index = sent;
                tasks.Add(Task.Run(async () =>
                {
                    var began = Stopwatch.GetTimestamp();
                    if (await SendAsync(target))
                    {
                        latencies[index] = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                        latencies[index] = double.NaN;
                    }
                }));
            }
        }

        await Task.WhenAll(tasks);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return LatencyStats.From([.. latencies.Where(l => !double.IsNaN(l))], seconds, errors);
    }

    public async Task<LatencyStats> ClosedLoopAsync(Target target, int concurrency, TimeSpan duration)
    {
        var perWorker = new List<double>[concurrency];
        var errors = 0;
        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = perWorker[w] = new List<double>(16384);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var began = Stopwatch.GetTimestamp();
                if (await SendAsync(target))
                {
                    mine.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return LatencyStats.From([.. perWorker.SelectMany(l => l)], seconds, errors);
    }

    public void Dispose() => _client.Dispose();

    private async Task<bool> SendAsync(Target target)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(target.Body) };
            request.Content.Headers.ContentType = Json;
            foreach (var (name, value) in target.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var stream = await response.Content.ReadAsStreamAsync();
            await stream.CopyToAsync(Stream.Null);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return false;
        }
    }
}
