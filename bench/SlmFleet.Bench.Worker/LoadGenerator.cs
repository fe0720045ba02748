using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Net.Client;
using SlmFleet.Inference.V1;

namespace SlmFleet.Bench.Worker;

/// <summary>N clients, each streaming fixed-length generations back to back over real gRPC.</summary>
internal static class LoadGenerator
{
    private static readonly string[] Prompts =
    [
        "The small model answers most questions that reach the fleet.",
        "Please summarize the following text in one sentence.",
        "What is the capital of France?",
        "The customer asked about the order status and the refund policy.",
    ];

    public static async Task<LoadResult> RunAsync(GrpcChannel channel, int concurrency, int requestsPerClient, int newTokens)
    {
        var client = new SlmFleet.Inference.V1.Inference.InferenceClient(channel);
        var ttft = new ConcurrentBag<double>();
        var tokens = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async c =>
        {
            for (var r = 0; r < requestsPerClient; r++)
            {
                var request = new GenerateRequest
                {
                    Prompt = Prompts[(c + r) % Prompts.Length],
                    MaxNewTokens = newTokens,
                    IgnoreEos = true,
                    Sampling = new SamplingParameters { Temperature = 0.8f, TopK = 50, Seed = (ulong)((c * 1000) + r) },
                };
                var sent = Stopwatch.GetTimestamp();
                using var call = client.Generate(request);
                var first = true;
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    if (first)
                    {
                        ttft.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                        first = false;
                    }

                    if (call.ResponseStream.Current.Usage is { } usage)
                    {
                        Interlocked.Add(ref tokens, usage.CompletionTokens);
                    }
                }
            }
        }));
        return new LoadResult(concurrency, tokens, Stopwatch.GetElapsedTime(started).TotalSeconds, [.. ttft]);
    }
}
