using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using SlmFleet.Inference.V1;
using SlmFleet.Testing.Worker;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// The worker as a pod runs it: its own <c>slm-worker serve</c> process (so its resident memory is
/// its own), driven over gRPC with exact prompt ids, greedy sampling and <c>ignore_eos</c>, so every
/// request generates exactly the tokens asked for. Token arrival times are taken as each streamed
/// message arrives.
/// </summary>
internal sealed class WorkerSide : IGenerationSide, IAsyncDisposable
{
    /// <summary>As many as the peer's largest static batch.</summary>
    public const int MaxBatch = 16;

    private readonly WorkerProcess _process;
    private readonly GrpcChannel _channel;
    private readonly SlmFleet.Inference.V1.Inference.InferenceClient _client;
    private readonly int _contextLength;

    private WorkerSide(WorkerProcess process, int contextLength)
    {
        _contextLength = contextLength;
        _process = process;
        _channel = GrpcChannel.ForAddress(process.GrpcAddress);
        _client = new SlmFleet.Inference.V1.Inference.InferenceClient(_channel);
        Memory = new ResidentMemorySampler(process.ProcessId, TimeSpan.FromMilliseconds(100));
    }

    public string Name => "worker";

    // Chunked prefill keeps the worker's logits to one chunk: any cell fits.
    public string? CannotDecode(int rows, int promptTokens) => null;

    public ResidentMemorySampler Memory { get; }

    public static async Task<WorkerSide> StartAsync(string modelDirectory, int contextLength, int threads, int maxQueue)
    {
        var process = await WorkerProcess.StartAsync(WorkerProcess.DefaultWorkerDll(), modelDirectory, TimeSpan.FromMinutes(5),
            "--execution-provider", "cpu",
            "--intra-op-threads", threads.ToString(CultureInfo.InvariantCulture),
            "--max-batch", MaxBatch.ToString(CultureInfo.InvariantCulture),
            "--max-queue", maxQueue.ToString(CultureInfo.InvariantCulture),
            "--warmup-prompt", "Hello, how are you?");
        return new WorkerSide(process, contextLength);
    }

    /// <summary>
    /// Continuous batching starts each stream as soon as its prompt is in, so with long prompts the
    /// first streams would finish before the last one starts and no moment would have all c decoding.
    /// Each stream therefore asks for more tokens than needed and stops (cancelling its call) once
    /// it has <paramref name="newTokens"/> tokens after the moment the last stream got its first one:
    /// the measured window is c sequences decoding together, as in the peer's static batch.
    /// </summary>
    public async Task<DecodeResult> DecodeAsync(int[][] prompts, int newTokens)
    {
        var window = new SteadyWindow(prompts.Length);
        var budget = Math.Max(newTokens, _contextLength - prompts[0].Length);
        var arrivals = await Task.WhenAll(prompts.Select(p => StreamAsync(p, Math.Min(budget, newTokens * prompts.Length), Stopwatch.GetTimestamp(), window, newTokens)));
        return DecodeResult.FromArrivals(prompts[0].Length, newTokens, arrivals);
    }

    public async Task<double> TimeToFirstTokenAsync(int[] prompt)
    {
        var sent = Stopwatch.GetTimestamp();
        var arrivals = await StreamAsync(prompt, 1, sent);
        return Stopwatch.GetElapsedTime(sent, arrivals[0]).TotalMilliseconds;
    }

    public async Task<TraceResult> ReplayAsync(ServingTrace trace)
    {
        var started = Stopwatch.GetTimestamp();
        var outcomes = await Task.WhenAll(trace.Requests.Select(async request =>
        {
            var arrival = started + (long)(request.ArrivalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), arrival);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            try
            {
                var arrivals = await StreamAsync(request.PromptIds, request.OutputTokens, arrival);
                return (Ttft: Stopwatch.GetElapsedTime(arrival, arrivals[0]).TotalMilliseconds, EndToEnd: Stopwatch.GetElapsedTime(arrival, arrivals[^1]).TotalMilliseconds, Tokens: arrivals.Count, Last: arrivals[^1]);
            }
            catch (RpcException ex)
            {
                Console.WriteLine($"worker trace request {request.Index}: {ex.StatusCode} {ex.Status.Detail}");
                return (Ttft: double.NaN, EndToEnd: double.NaN, Tokens: 0, Last: started);
            }
        }));
        var ok = outcomes.Where(o => o.Tokens > 0).ToList();
        var makespan = Stopwatch.GetElapsedTime(started, outcomes.Max(o => o.Last)).TotalSeconds;
        return new TraceResult([.. ok.Select(o => o.Ttft)], [.. ok.Select(o => o.EndToEnd)], ok.Sum(o => (long)o.Tokens), makespan, outcomes.Length - ok.Count);
    }

    /// <summary>
    /// One Generate call; a Stopwatch timestamp per generated token. With a <paramref name="window"/>,
    /// the call ends early once <paramref name="tokensAfterAllStarted"/> tokens arrived after every
    /// stream of the window had its first. Throws when the worker sent no token.
    /// </summary>
    private async Task<IReadOnlyList<long>> StreamAsync(int[] prompt, int newTokens, long sent, SteadyWindow? window = null, int tokensAfterAllStarted = 0)
    {
        var request = new GenerateRequest
        {
            MaxNewTokens = newTokens,
            IgnoreEos = true,
            Sampling = new SamplingParameters { Temperature = 0 },
        };
        request.PromptTokenIds.AddRange(prompt);
        var arrivals = new List<long>(newTokens);
        using var call = _client.Generate(request);
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            var now = Stopwatch.GetTimestamp();
            for (var i = 0; i < call.ResponseStream.Current.TokenIds.Count; i++)
            {
                if (arrivals.Count == 0)
                {
                    window?.Started(now);
                }

                arrivals.Add(now);
            }

            if (window?.AllStartedAt is { } allStarted && arrivals.Count(t => t > allStarted) >= tokensAfterAllStarted)
            {
                break; // disposing the call cancels it on the worker
            }
        }

        if (arrivals.Count == 0)
        {
            throw new InvalidOperationException($"the worker streamed no token ids for a {prompt.Length}-token prompt after {Stopwatch.GetElapsedTime(sent).TotalSeconds:F1} s (does it fill GenerateResponse.token_ids?)");
        }

        return arrivals;
    }

    /// <summary>When the last of a cell's streams received its first token.</summary>
    private sealed class SteadyWindow(int streams)
    {
        private int _started;
        private long _allStartedAt;

        public long? AllStartedAt => Volatile.Read(ref _allStartedAt) is > 0 and var at ? at : null;

        public void Started(long timestamp)
        {
            if (Interlocked.Increment(ref _started) == streams)
            {
                Volatile.Write(ref _allStartedAt, timestamp);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Memory.DisposeAsync();
        _channel.Dispose();
        await _process.DisposeAsync();
    }
}
