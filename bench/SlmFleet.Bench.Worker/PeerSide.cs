using System.Globalization;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// ONNX Runtime GenAI 0.20.0 on the same folder, in this process: its phases never overlap the
/// worker's (the worker process is idle meanwhile and the peer's threads are idle during worker
/// phases), so sharing the process costs neither side CPU; its memory is reported as this process's
/// growth when the model loaded. Its best mode for many requests is a static batch: GenAI has no
/// continuous batching, so concurrency c is one generator with batch_size c, and the trace is served
/// by a loop that takes up to 16 queued requests as one batch (right-padded by GenAI) and runs it to
/// completion. Greedy search; min_length = max_length so no sequence stops early at EOS, as the
/// worker's ignore_eos. GenAI's first step returns logits for every prompt position of every row
/// (rows × prompt × vocabulary floats, 19.8 GB for 16 × 2,032 tokens of a 152k vocabulary), so a
/// static batch is bounded by <see cref="LogitsBudgetBytes"/>: a decode cell over it is not run,
/// and the trace loop takes fewer requests per batch, rather than the machine running out of memory.
/// </summary>
internal sealed class PeerSide : IGenerationSide, IDisposable
{
    public const int MaxBatch = 16;

    private readonly OgaHandle _handle = new();
    private readonly Config _config;
    private readonly Model _model;
    private readonly Tokenizer _tokenizer;
    private readonly int _vocabSize;

    public PeerSide(string modelDirectory, int vocabSize, int threads)
    {
        var before = ProcStatus.MiB(null, "VmRSS") ?? 0;
        _config = new Config(modelDirectory);
        _config.ClearProviders();
        // The worker gets --intra-op-threads with the same number.
        var overlay = new JsonObject
        {
            ["model"] = new JsonObject { ["decoder"] = new JsonObject { ["session_options"] = new JsonObject { ["intra_op_num_threads"] = threads, ["inter_op_num_threads"] = 1 } } },
        };
        _config.Overlay(overlay.ToJsonString());
        _model = new Model(_config);
        _tokenizer = new Tokenizer(_model);
        _vocabSize = vocabSize;
        LogitsBudgetBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;
        LoadedMiB = (ProcStatus.MiB(null, "VmRSS") ?? 0) - before;
    }

    public string Name => "ORT GenAI";

    /// <summary>A quarter of the machine's memory (or the container's limit): the largest all-position logits buffer a static batch may need.</summary>
    public long LogitsBudgetBytes { get; }

    public string? CannotDecode(int rows, int promptTokens)
    {
        var bytes = LogitsBytes(rows, promptTokens);
        return bytes <= LogitsBudgetBytes ? null : string.Create(CultureInfo.InvariantCulture,
            $"its first step would return {rows} × {promptTokens} × {_vocabSize} float logits ({bytes / 1e9:F1} GB), over the {LogitsBudgetBytes / 1e9:F1} GB budget (a quarter of this machine's memory)");
    }

    private long LogitsBytes(int rows, int promptTokens) => (long)rows * promptTokens * _vocabSize * sizeof(float);

    /// <summary>How much this process's resident set grew when GenAI loaded the model.</summary>
    public double LoadedMiB { get; }

    public Task<DecodeResult> DecodeAsync(int[][] prompts, int newTokens) => Task.Run(() =>
    {
        var length = prompts[0].Length;
        var arrivals = prompts.Select(_ => new List<long>(newTokens)).ToList();
        using var generator = CreateGenerator(prompts, length + newTokens);
        for (var step = 0; step < newTokens && !generator.IsDone(); step++)
        {
            generator.GenerateNextToken();
            var now = Stopwatch.GetTimestamp();
            arrivals.ForEach(a => a.Add(now));
        }

        return DecodeResult.FromArrivals(length, newTokens, arrivals);
    });

    public Task<double> TimeToFirstTokenAsync(int[] prompt) => Task.Run(() =>
    {
        var sent = Stopwatch.GetTimestamp();
        using var generator = CreateGenerator([prompt], prompt.Length + 1);
        generator.GenerateNextToken();
        return Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
    });

    public Task<TraceResult> ReplayAsync(ServingTrace trace) => Task.Factory.StartNew(() => Replay(trace), TaskCreationOptions.LongRunning);

    private TraceResult Replay(ServingTrace trace)
    {
        var started = Stopwatch.GetTimestamp();
        long Arrival(TraceRequest r) => started + (long)(r.ArrivalSeconds * Stopwatch.Frequency);
        var ttft = new List<double>();
        var endToEnd = new List<double>();
        long tokens = 0;
        var next = 0;
        while (next < trace.Requests.Count)
        {
            // Sleep can wake a little early (it rounds to milliseconds): wait until the arrival has passed.
            while (Stopwatch.GetTimestamp() < Arrival(trace.Requests[next]))
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(1, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Arrival(trace.Requests[next])).TotalMilliseconds)));
            }

            // Everything that has arrived by now, oldest first, up to the batch limit.
            var now = Stopwatch.GetTimestamp();
            var batch = new List<TraceRequest>();
            foreach (var request in trace.Requests.Skip(next).TakeWhile(r => Arrival(r) <= now).Take(MaxBatch))
            {
                // The batch is right-padded to its longest prompt: stop before its logits pass the budget.
                if (batch.Count > 0 && LogitsBytes(batch.Count + 1, Math.Max(request.PromptIds.Length, batch.Max(r => r.PromptIds.Length))) > LogitsBudgetBytes)
                {
                    break;
                }

                batch.Add(request);
            }

            next += batch.Count;
            var steps = batch.Max(r => r.OutputTokens);
            using var generator = CreateGenerator([.. batch.Select(r => r.PromptIds)], batch.Max(r => r.PromptIds.Length) + steps);
            for (var step = 1; step <= steps && !generator.IsDone(); step++)
            {
                generator.GenerateNextToken();
                var at = Stopwatch.GetTimestamp();
                // A request is answered once it has its own output length (as if streamed), not when the batch ends.
                foreach (var request in batch)
                {
                    if (step == 1)
                    {
                        ttft.Add(Stopwatch.GetElapsedTime(Arrival(request), at).TotalMilliseconds);
                    }

                    if (step == request.OutputTokens)
                    {
                        endToEnd.Add(Stopwatch.GetElapsedTime(Arrival(request), at).TotalMilliseconds);
                        tokens += request.OutputTokens;
                    }
                }
            }
        }

        return new TraceResult(ttft, endToEnd, tokens, Stopwatch.GetElapsedTime(started).TotalSeconds, trace.Requests.Count - endToEnd.Count);
    }

    private Generator CreateGenerator(int[][] prompts, int maxLength)
    {
        using var parameters = new GeneratorParams(_model);
        parameters.SetSearchOption("batch_size", prompts.Length);
        parameters.SetSearchOption("max_length", maxLength);
        parameters.SetSearchOption("min_length", maxLength);
        parameters.SetSearchOption("do_sample", false);
        var generator = new Generator(_model, parameters);
        try
        {
            if (prompts.Length == 1)
            {
                generator.AppendTokens(prompts[0]);
            }
            else
            {
                using var sequences = Sequences(prompts);
                generator.AppendTokenSequences(sequences);
            }

            return generator;
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>
    /// GenAI 0.20.0's C# API has no public constructor for Sequences; encoding empty strings gives one
    /// empty sequence per prompt (Qwen's tokenizer adds no BOS), to which the exact ids are appended.
    /// </summary>
    private Sequences Sequences(int[][] prompts)
    {
        var sequences = _tokenizer.EncodeBatch(new string[prompts.Length].Select(_ => string.Empty).ToArray());
        for (var i = 0; i < prompts.Length; i++)
        {
            var encoded = sequences[(ulong)i].Length;
            if (encoded != 0)
            {
                sequences.Dispose();
                throw new InvalidOperationException($"the tokenizer encodes an empty string to {encoded} tokens; the peer needs empty sequences to append exact prompt ids to");
            }

            foreach (var id in prompts[i])
            {
                sequences.Append(id, (ulong)i);
            }
        }

        return sequences;
    }

    public void Dispose()
    {
        _tokenizer.Dispose();
        _model.Dispose();
        _config.Dispose();
        _handle.Dispose();
    }
}
