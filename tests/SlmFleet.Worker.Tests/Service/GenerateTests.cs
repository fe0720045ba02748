using Grpc.Core;
using SlmFleet.Inference.V1;
using SlmFleet.Testing;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Service;

[TestFixture]
public sealed class GenerateTests
{
    private RunningWorker _worker = null!;

    [OneTimeSetUp]
    public async Task StartWorker() => _worker = await RunningWorker.StartAsync();

    [OneTimeTearDown]
    public async Task StopWorker() => await _worker.DisposeAsync();

    private static GenerateRequest Sampled(ulong seed, int maxNewTokens = 24) => new()
    {
        Prompt = "The customer asked about the order",
        MaxNewTokens = maxNewTokens,
        IgnoreEos = true,
        Sampling = new SamplingParameters { Temperature = 0.9f, TopK = 40, TopP = 0.95f, Seed = seed },
    };

    private static string Text(IEnumerable<GenerateResponse> messages) => string.Concat(messages.Select(m => m.Delta));

    [Test]
    public async Task Generate_SameSeed_SameOutput()
    {
        var first = Text(await _worker.GenerateAllAsync(Sampled(1234)));
        var second = Text(await _worker.GenerateAllAsync(Sampled(1234)));

        first.Should().NotBeEmpty();
        second.Should().Be(first);
    }

    [Test]
    public async Task Generate_DifferentSeeds_DifferentOutputs()
    {
        var outputs = new HashSet<string>();
        for (ulong seed = 1; seed <= 4; seed++)
        {
            outputs.Add(Text(await _worker.GenerateAllAsync(Sampled(seed))));
        }

        outputs.Should().HaveCountGreaterThan(1, "sampling with different seeds must not always pick the same tokens");
    }

    [Test]
    public async Task Generate_Streams_OneDeltaPerTokenThenFinalMessage()
    {
        var messages = await _worker.GenerateAllAsync(new GenerateRequest { Prompt = "Hello world", MaxNewTokens = 16, IgnoreEos = true, Logprobs = true });

        messages.Should().HaveCountGreaterThan(2);
        messages[^1].FinishReason.Should().Be("length");
        messages[^1].Usage.CompletionTokens.Should().Be(16);
        messages[^1].Usage.PromptTokens.Should().BeGreaterThan(0);
        messages.Take(messages.Count - 1).Should().OnlyContain(m => m.FinishReason == string.Empty);
        messages.SelectMany(m => m.Logprobs).Should().HaveCount(16).And.OnlyContain(l => l.Logprob <= 0);
        messages[^1].Confidence.MinTokenProbability.Should().BeInRange(0f, messages[^1].Confidence.MeanTokenProbability);
    }

    [Test]
    public async Task Generate_TopLogprobs_GreedyTokenLeadsItsAlternativesInOrder()
    {
        var messages = await _worker.GenerateAllAsync(new GenerateRequest { Prompt = "Hello world", MaxNewTokens = 8, IgnoreEos = true, Logprobs = true, TopLogprobs = 5 });

        var tokens = messages.SelectMany(m => m.Logprobs).ToList();
        tokens.Should().HaveCount(8);
        foreach (var token in tokens)
        {
            token.TopLogprobs.Should().HaveCount(5);
            token.TopLogprobs.Select(t => t.Logprob).Should().BeInDescendingOrder();
            // Greedy picks the arg-max, so the sampled token is the first alternative with the same log-probability.
            token.TopLogprobs[0].Logprob.Should().BeApproximately(token.Logprob, 1e-5f);
            token.TopLogprobs[0].Token.Should().Be(token.Token);
            // Five of the vocabulary's probabilities cannot sum above one.
            token.TopLogprobs.Sum(t => Math.Exp(t.Logprob)).Should().BeLessThanOrEqualTo(1.0 + 1e-5);
        }
    }

    [Test]
    public async Task Generate_Greedy_SameTextAloneAndInAPaddedBatch()
    {
        // Batching left-pads prompts of different lengths and masks the padding: a greedy answer
        // must not depend on who else shares the prefill and the decode steps.
        var prompts = new[] { "Hi", "Please summarize the following text in one sentence.", "What is the capital of France?", "Numbers such as 1, 2, 3" };
        GenerateRequest Request(string prompt) => new() { Prompt = prompt, MaxNewTokens = 20, IgnoreEos = true };
        var alone = new List<string>();
        foreach (var prompt in prompts)
        {
            alone.Add(Text(await _worker.GenerateAllAsync(Request(prompt))));
        }

        _worker.Host.Scheduler.PauseAdmission();
        var batched = prompts.Select(p => _worker.GenerateAllAsync(Request(p))).ToList();
        await Poll.UntilAsync(() => Task.FromResult(_worker.Host.Scheduler.QueueDepth == prompts.Length), "all prompts queued");
        _worker.Host.Scheduler.ResumeAdmission();
        var together = await Task.WhenAll(batched);

        together.Select(Text).Should().Equal(alone);
    }

    [Test]
    public async Task Generate_StopSequence_CutsBeforeTheStop()
    {
        var request = new GenerateRequest { Prompt = "The quick brown fox", MaxNewTokens = 40, IgnoreEos = true };
        var full = Text(await _worker.GenerateAllAsync(request));
        full.Length.Should().BeGreaterThan(6);
        var stop = full.Substring(full.Length / 2, 2);
        var expected = full[..full.IndexOf(stop, StringComparison.Ordinal)];

        request.Stop.Add(stop);
        var messages = await _worker.GenerateAllAsync(request);

        messages[^1].FinishReason.Should().Be("stop");
        Text(messages).Should().Be(expected);
    }

    [Test]
    public async Task Generate_ChatMessages_RenderWithEachTemplate()
    {
        foreach (var template in new[] { "chatml", "phi3", "llama3", "<|{role}|>{content}\n" })
        {
            var request = new GenerateRequest { MaxNewTokens = 4, ChatTemplate = template, IgnoreEos = true };
            request.Messages.Add(new ChatMessage { Role = "system", Content = "Be brief." });
            request.Messages.Add(new ChatMessage { Role = "user", Content = "Hello" });

            var messages = await _worker.GenerateAllAsync(request);

            messages[^1].Usage.CompletionTokens.Should().Be(4, template);
        }
    }

    [Test]
    public async Task Generate_ClientCancels_SequenceLeavesTheBatch()
    {
        using var cancel = new CancellationTokenSource();
        var before = _worker.Host.State.Metrics.Requests.WithLabels("generate", "cancelled").Value;
        using var call = _worker.Client.Generate(
            new GenerateRequest { Prompt = "Hello", MaxNewTokens = 500, IgnoreEos = true },
            cancellationToken: cancel.Token);

        (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue();
        cancel.Cancel();
        var act = async () => { while (await call.ResponseStream.MoveNext(CancellationToken.None)) { } };

        await act.Should().ThrowAsync<RpcException>().Where(e => e.StatusCode == StatusCode.Cancelled);
        await Poll.UntilAsync(
            async () => (await _worker.Client.StatsAsync(new StatsRequest())).ActiveSequences == 0
                && _worker.Host.State.Metrics.Requests.WithLabels("generate", "cancelled").Value > before,
            "the cancelled sequence to leave the batch");
    }

    [Test]
    public async Task Stats_AfterWork_ReportsLoadSignals()
    {
        await _worker.GenerateAllAsync(new GenerateRequest { Prompt = "Hello", MaxNewTokens = 8, IgnoreEos = true });

        var stats = await _worker.Client.StatsAsync(new StatsRequest());

        stats.Warm.Should().BeTrue();
        stats.WarmupSeconds.Should().BeGreaterThan(0);
        stats.ExecutionProvider.Should().Be("cpu");
        stats.Model.Should().Be("tiny");
        stats.Tokenizer.Should().Be("byte-level BPE (tokenizer.json)");
        stats.Utilization.Should().BeInRange(0, 1).And.BeGreaterThan(0);
        stats.TokensPerSecond.Should().BeGreaterThan(0);
        stats.QueueDepth.Should().Be(0);
    }

    [Test]
    public async Task Metrics_AfterWork_ExposesWorkerMetrics()
    {
        await _worker.GenerateAllAsync(new GenerateRequest { Prompt = "Hello", MaxNewTokens = 4, IgnoreEos = true });
        using var http = new HttpClient();

        var text = await http.GetStringAsync(_worker.Host.MetricsAddress);

        foreach (var name in new[]
        {
            "slm_worker_requests_total", "slm_worker_prompt_tokens_total", "slm_worker_completion_tokens_total",
            "slm_worker_time_to_first_token_seconds_bucket", "slm_worker_inter_token_latency_seconds_bucket",
            "slm_worker_queue_depth", "slm_worker_batch_size_bucket", "slm_worker_utilization_ratio",
            "slm_worker_warmup_seconds", "slm_worker_execution_provider{provider=\"cpu\",requested=\"cpu\"} 1",
        })
        {
            text.Should().Contain(name);
        }
    }
}
