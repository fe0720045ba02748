using System.Globalization;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// The worker against ONNX Runtime GenAI on the same model folder, threads and prompt ids, in one run:
/// <code>
///   read bandwidth ─ warm-up both ─ decode cells ×repeats ─ TTFT ×repeats ─ trace (worker, then peer)
///                                   (worker/peer alternate who goes first in each repeat; best kept)
/// </code>
/// The cores may be shared and noisy, so each cell runs on both sides back to back (A/B, then B/A in
/// the next repeat) and keeps each side's best run; the trace is too long to repeat.
/// </summary>
internal sealed class WorkerBenchmark(BenchOptions options, BenchModel model)
{
    private static readonly int[] Contexts = [128, 2048];
    private static readonly int[] Concurrencies = [1, 4, 16];
    private static readonly int[] TtftPrompts = [512, 2048];

    private readonly PromptFactory _prompts = new(model.PromptIds, new Random(options.Seed));
    private readonly List<double> _bandwidth = [];

    public async Task<BenchReport> RunAsync()
    {
        var bandwidth = new ReadBandwidth(options.Threads);
        _bandwidth.Add(bandwidth.MeasureGigabytesPerSecond());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read bandwidth {_bandwidth[^1]:F2} GB/s ({options.Threads} readers)"));

        using var peer = new PeerSide(model.Directory, model.VocabSize, options.Threads);
        await using var worker = await WorkerSide.StartAsync(model.Directory, model.ContextLength, options.Threads, maxQueue: Math.Max(64, options.TraceRequests));
        var warmMiB = worker.Memory.CurrentMiB();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worker warm, RSS {warmMiB:F0} MiB; ORT GenAI loaded, +{peer.LoadedMiB:F0} MiB in this process"));
        IGenerationSide[] sides = [worker, peer];

        // Not reported: first runs pay for JIT, ONNX Runtime's first allocations and page faults.
        foreach (var side in sides)
        {
            await side.DecodeAsync(_prompts.Next(4, 32), 4);
            await side.TimeToFirstTokenAsync(_prompts.Next(64));
        }

        var decode = await DecodeCellsAsync(sides, bandwidth);
        var ttft = await TtftCellsAsync(sides);
        var (trace, rateSource) = CreateTrace(decode, ttft);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trace: {trace.Requests.Count} requests at {trace.RatePerSecond:F3}/s ({rateSource}), prompts {trace.MinPrompt}–{trace.MaxPrompt}, outputs {trace.MinOutput}–{trace.MaxOutput}, {trace.RequestedTokens} tokens in all"));
        var workerTrace = await worker.ReplayAsync(trace);
        Print(worker, workerTrace);
        var peerTrace = await peer.ReplayAsync(trace);
        Print(peer, peerTrace);
        _bandwidth.Add(bandwidth.MeasureGigabytesPerSecond());

        return new BenchReport(DateTimeOffset.UtcNow, ResultWriter.Machine(), options, model, _bandwidth, decode, ttft, trace, rateSource,
            workerTrace, peerTrace, warmMiB, worker.Memory.TakePeakMiB(), peer.LoadedMiB);
    }

    private async Task<List<DecodeCell>> DecodeCellsAsync(IGenerationSide[] sides, ReadBandwidth bandwidth)
    {
        var newTokens = options.DecodeTokens;
        var cells = (from context in Contexts
                     from concurrency in Concurrencies
                     // The prompt is sized so the mean KV length over the measured steps is the context,
                     // within the model's context length.
                     let prompt = Math.Clamp(context - (newTokens / 2), 1, model.ContextLength - newTokens)
                     select (context, concurrency, Prompts: _prompts.Next(concurrency, prompt))).ToList();
        var best = new Dictionary<(int, int, string), DecodeResult>();
        var notRun = new Dictionary<(int, int, string), string>();
        for (var repeat = 0; repeat < options.Repeats; repeat++)
        {
            foreach (var (context, concurrency, prompts) in cells)
            {
                foreach (var side in repeat % 2 == 0 ? sides : sides.Reverse())
                {
                    if (side.CannotDecode(concurrency, prompts[0].Length) is { } reason)
                    {
                        notRun[(context, concurrency, side.Name)] = reason;
                        Console.WriteLine($"decode c{concurrency} context {context}, {side.Name}: not run, {reason}");
                        continue;
                    }

                    var result = await side.DecodeAsync(prompts, newTokens);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"decode c{concurrency} context {context} ({prompts[0].Length}-token prompts), {side.Name}, run {repeat + 1}: {result.TokensPerSecond:F1} tok/s{(result.Steady ? string.Empty : " (no window with every sequence decoding: first to last token)")}"));
                    var key = (context, concurrency, side.Name);
                    if (!best.TryGetValue(key, out var previous) || result.TokensPerSecond > previous.TokensPerSecond)
                    {
                        best[key] = result;
                    }
                }
            }

            _bandwidth.Add(bandwidth.MeasureGigabytesPerSecond());
        }

        return [.. cells.Select(c => new DecodeCell(c.concurrency, c.context, best[(c.context, c.concurrency, sides[0].Name)],
            best.GetValueOrDefault((c.context, c.concurrency, sides[1].Name)), notRun.GetValueOrDefault((c.context, c.concurrency, sides[1].Name))))];
    }

    private async Task<List<TtftCell>> TtftCellsAsync(IGenerationSide[] sides)
    {
        var cells = new List<TtftCell>();
        foreach (var length in TtftPrompts.Select(l => Math.Min(l, model.ContextLength - 1)))
        {
            var prompt = _prompts.Next(length);
            var best = sides.ToDictionary(s => s.Name, _ => double.PositiveInfinity);
            // TTFT is cheap next to decode cells: one more repeat than they get.
            for (var repeat = 0; repeat <= options.Repeats; repeat++)
            {
                foreach (var side in repeat % 2 == 0 ? sides : sides.Reverse())
                {
                    var ms = await side.TimeToFirstTokenAsync(prompt);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TTFT {length}-token prompt, {side.Name}, run {repeat + 1}: {ms:F0} ms"));
                    best[side.Name] = Math.Min(best[side.Name], ms);
                }
            }

            cells.Add(new TtftCell(length, best[sides[0].Name], best[sides[1].Name]));
        }

        return cells;
    }

    /// <summary>
    /// The arrival rate, unless --trace-rate names one, is the worker's capacity as this run measured
    /// it: a mean request costs mean-prompt ÷ prefill rate (from its longest TTFT) plus mean-output ÷
    /// its c16 decode rate at the longest context. Offered at 1× capacity the worker stays loaded; a
    /// slow machine gets a denser trace rather than a run longer than the span cap.
    /// </summary>
    private (ServingTrace Trace, string Source) CreateTrace(IReadOnlyList<DecodeCell> decode, IReadOnlyList<TtftCell> ttft)
    {
        var maxPrompt = Math.Min(2048, model.ContextLength - options.TraceMaxOutput);
        var meanPrompt = (ServingTrace.MinPromptTokens + maxPrompt) / 2.0;
        var meanOutput = (ServingTrace.MinOutputTokens + options.TraceMaxOutput) / 2.0;
        double rate;
        string source;
        if (options.TraceRate is { } given)
        {
            rate = given;
            source = "--trace-rate";
        }
        else
        {
            var longest = ttft[^1];
            var prefill = longest.PromptTokens / (longest.WorkerMilliseconds / 1000);
            var decodeRate = decode.Where(c => c.Concurrency == Concurrencies[^1]).MaxBy(c => c.Context)!.Worker.TokensPerSecond;
            rate = 1 / ((meanPrompt / prefill) + (meanOutput / decodeRate));
            source = string.Create(CultureInfo.InvariantCulture, $"the worker's capacity from this run: prefill {prefill:F0} tok/s, c16 decode {decodeRate:F0} tok/s");
            var floor = options.TraceRequests / options.TraceMaxSpanSeconds;
            if (rate < floor)
            {
                rate = floor;
                source += string.Create(CultureInfo.InvariantCulture, $", raised so the arrivals span at most {options.TraceMaxSpanSeconds:F0} s");
            }
        }

        return (ServingTrace.Create(options.TraceRequests, rate, maxPrompt, options.TraceMaxOutput, _prompts, new Random(options.Seed + 1)), source);
    }

    private static void Print(IGenerationSide side, TraceResult result) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"trace, {side.Name}: {result.TokensPerSecond:F1} tok/s over {result.MakespanSeconds:F1} s, TTFT p50 {result.TtftP50:F0} ms p99 {result.TtftP99:F0} ms, end-to-end p99 {result.EndToEndP99:F0} ms, {result.Failed} failed"));
}
