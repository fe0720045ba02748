using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Engine;

/// <summary>
/// The official builder's exports served through the real gRPC server must give ONNX Runtime
/// GenAI's greedy tokens, all of them, whatever else is running: solo, all prompts at once,
/// staggered arrivals while others decode, and one request cancelled mid-stream. fp32 and fp16
/// exports compare with the stored reference.json; int4 exports with ONNX Runtime GenAI 0.20.0
/// run live on this machine (MatMulNBits kernels differ by CPU, see the fixtures' README).
/// </summary>
[TestFixtureSource(nameof(Fixtures))]
[Parallelizable(ParallelScope.None)]
public sealed class FixtureReferenceTests(string fixture)
{
    private RunningWorker _worker = null!;
    private IReadOnlyList<ReferenceRun> _runs = null!;

    public static IEnumerable<string> Fixtures() =>
    [
        "qwen2-gqa-fp32", "llama-gqa-fp32", "phi3-mha-fp32", "llama-sentencepiece-32k-fp32", "qwen2-bytelevel-152k-fp32",
        "gemma3-sliding-fp32", "qwen2-gqa-fp16", "qwen2-gqa-int4", "llama-gqa-int4", "phi3-mha-int4",
    ];

    [OneTimeSetUp]
    public async Task Start()
    {
        var folder = FixtureModels.Folder(fixture);
        _runs = ReferenceRun.Load(folder);
        if (fixture.EndsWith("-int4", StringComparison.Ordinal))
        {
            _runs = [.. _runs.Select(run => run with { GeneratedIds = LiveReference.Greedy(folder, run.PromptIds, run.GeneratedIds.Length) })];
        }

        // A small prefill chunk so the long prompts (373-642 tokens) are prefilled in several
        // pieces between decode steps of the others.
        _worker = await RunningWorker.StartAsync(o => new() { ModelDirectory = folder, ExecutionProvider = o.ExecutionProvider, WarmupPrompts = o.WarmupPrompts, Seed = 1, LogLevel = o.LogLevel, PrefillChunk = 96 });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
    }

    [Test]
    public async Task Solo_EveryPrompt_MatchesReference()
    {
        foreach (var run in _runs)
        {
            var stream = TokenStream.Start(_worker.Client, run.PromptIds, run.GeneratedIds.Length);
            await stream.Completion;
            stream.Tokens.Should().Equal(run.GeneratedIds, $"{fixture} prompt {run.Name} alone");
        }
    }

    [Test]
    public async Task AllAtOnce_EveryPrompt_MatchesReference()
    {
        var streams = _runs.Select(run => TokenStream.Start(_worker.Client, run.PromptIds, run.GeneratedIds.Length)).ToList();
        await Task.WhenAll(streams.Select(s => s.Completion));
        for (var i = 0; i < _runs.Count; i++)
        {
            streams[i].Tokens.Should().Equal(_runs[i].GeneratedIds, $"{fixture} prompt {_runs[i].Name} with all {_runs.Count} prompts in flight");
        }
    }

    [Test]
    public async Task Staggered_ArrivalsWhileOthersDecode_MatchReference()
    {
        var streams = new List<TokenStream>();
        foreach (var run in _runs.Concat(_runs))
        {
            var stream = TokenStream.Start(_worker.Client, run.PromptIds, run.GeneratedIds.Length, signalAfter: 3);
            streams.Add(stream);
            await stream.FirstTokens;
        }

        await Task.WhenAll(streams.Select(s => s.Completion));
        for (var i = 0; i < streams.Count; i++)
        {
            var run = _runs[i % _runs.Count];
            streams[i].Tokens.Should().Equal(run.GeneratedIds, $"{fixture} prompt {run.Name} arriving {i}th");
        }
    }

    [Test]
    public async Task CancelledMidStream_OthersStillMatchReference()
    {
        var victim = 1;
        var streams = _runs.Select((run, i) => TokenStream.Start(_worker.Client, run.PromptIds, run.GeneratedIds.Length, signalAfter: i == victim ? 5 : 1)).ToList();
        await streams[victim].FirstTokens;
        streams[victim].Cancel();
        await Task.WhenAll(streams.Select(s => s.Completion));

        // Cancelled after 5 tokens, it usually ends early; on a loaded machine the worker can finish the
        // short reference answer before the cancellation arrives. Either way what it sent is the reference's prefix.
        streams[victim].Tokens.Should().Equal(_runs[victim].GeneratedIds.Take(streams[victim].Tokens.Count), "the cancelled stream's tokens up to the cancel");
        for (var i = 0; i < _runs.Count; i++)
        {
            if (i != victim)
            {
                streams[i].Tokens.Should().Equal(_runs[i].GeneratedIds, $"{fixture} prompt {_runs[i].Name} beside a cancelled request");
            }
        }

        // The freed slot serves the next request correctly.
        var again = TokenStream.Start(_worker.Client, _runs[victim].PromptIds, _runs[victim].GeneratedIds.Length);
        await again.Completion;
        again.Tokens.Should().Equal(_runs[victim].GeneratedIds);
    }
}
