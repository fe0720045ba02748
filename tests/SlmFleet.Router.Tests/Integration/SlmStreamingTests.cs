using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>
/// Streamed SLM answers through the real router, with a scripted worker whose token probabilities and
/// timing the test controls. Order is proven with gates and the worker's own write timestamps, never
/// with wall-clock thresholds: "the client saw a token before the worker sent the last one" is a
/// deadlock (and a failed test) if the router buffers the answer.
/// </summary>
[TestFixture]
public sealed class SlmStreamingTests
{
    private static readonly (string, double)[] Confident = [("The", 0.97), (" answer", 0.96), (" is", 0.98), (" forty", 0.95), ("-two", 0.99), (".", 0.97)];
    private static readonly (string, double)[] Unsure = [("Maybe", 0.05), (" it", 0.1), (" is", 0.08), (" blue", 0.03), ("?", 0.1)];

    private ScriptedWorker _worker = null!;
    private OpenAiTestServer _llm = null!;
    private TestRouter _router = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _worker = await ScriptedWorker.StartAsync();
        _llm = await OpenAiTestServer.StartAsync();
        _llm.Answer = _ => "LLM streamed answer";
        var yaml = PolicyYaml.Build(
            _worker.Address,
            null,
            PolicyYaml.Policy("live", "tiny", _llm.BaseUrl, 0.5, holdBackTokens: 0),
            PolicyYaml.Policy("held", "tiny", _llm.BaseUrl, 0.5, holdBackTokens: 3, holdBackMs: 60000),
            PolicyYaml.Policy("short-window", "tiny", _llm.BaseUrl, 0.5, holdBackTokens: 2, holdBackMs: 60000));
        _router = await TestRouter.StartAsync(yaml, TestRouter.WithLlmKey);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _router.DisposeAsync();
        await _llm.DisposeAsync();
        await _worker.DisposeAsync();
    }

    [SetUp]
    public void Reset()
    {
        _worker.Gate = null;
        _worker.GateBefore = -1;
        _worker.Script = Confident;
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Stream_NoWindow_FirstTokenReachesTheClientBeforeTheWorkerSendsTheLast()
    {
        // The worker will not send its last token until the client has seen the first: a buffering router deadlocks here.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _worker.Gate = gate;
        _worker.GateBefore = Confident.Length - 1;

        var text = new StringBuilder();
        var updates = 0;
        await foreach (var update in _router.ChatClient("live").CompleteChatStreamingAsync([new UserChatMessage("What is the answer?")]))
        {
            foreach (var part in update.ContentUpdate.Where(p => p.Text.Length > 0))
            {
                text.Append(part.Text);
                updates++;
                gate.TrySetResult();
            }
        }

        text.ToString().Should().Be(string.Concat(Confident.Select(t => t.Item1)));
        updates.Should().Be(Confident.Length, "each token the worker sends is its own chunk");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Stream_HoldBackWindow_NothingReachesTheClientBeforeTheWindowsLastToken()
    {
        var (headers, events, arrivals) = await StreamRawAsync("held");

        headers.GetValues("x-slmfleet-route").Should().Equal("slm");
        headers.GetValues("x-slmfleet-reason").Should().Equal("confident");
        var written = _worker.Written;
        var firstContent = arrivals[events.FindIndex(e => ContentOf(e) is { Length: > 0 })];
        firstContent.Should().BeGreaterThan(written[2], "three tokens are held back, so the first content leaves the router after the worker wrote the third");
        string.Concat(events.Select(ContentOf)).Should().Be(string.Concat(Confident.Select(t => t.Item1)));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Stream_LowConfidenceInsideTheWindow_ClientReceivesOnlyTheLlmStream()
    {
        _worker.Script = Unsure;
        // The worker stops after the window's two tokens until cancelled: only the router's cancellation ends its call.
        _worker.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _worker.GateBefore = 3;
        var cancelledBefore = _worker.Cancelled;
        var llmCalls = _llm.Requests.Count;

        var text = new StringBuilder();
        await foreach (var update in _router.ChatClient("short-window").CompleteChatStreamingAsync([new UserChatMessage("What colour?")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        text.ToString().Should().Be("LLM streamed answer", "no SLM token may be mixed into the LLM's answer");
        _llm.Requests.Count.Should().Be(llmCalls + 1);
        var (headers, _, _) = await StreamRawAsync("short-window");
        headers.GetValues("x-slmfleet-route").Should().Equal("llm");
        headers.GetValues("x-slmfleet-reason").Should().Equal("low_confidence");
        await SlmFleet.Testing.Poll.UntilAsync(() => _worker.Cancelled >= cancelledBefore + 1, "the worker's generation to be cancelled");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Stream_IncludeUsage_UsageChunkCarriesTheWorkersCounts()
    {
        var options = new ChatCompletionOptions();
        // The SDK asks for usage on every stream (stream_options.include_usage: true).
        ChatTokenUsage? usage = null;
        await foreach (var update in _router.ChatClient("held").CompleteChatStreamingAsync([new UserChatMessage("Count")], options))
        {
            usage ??= update.Usage;
        }

        usage.Should().NotBeNull();
        usage!.OutputTokenCount.Should().Be(Confident.Length);
        usage.InputTokenCount.Should().Be(7);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Stream_WithoutIncludeUsage_NoUsageChunk()
    {
        var (_, events, _) = await StreamRawAsync("live", includeUsage: false);

        events.Should().NotContain(e => e.Contains("\"usage\"", StringComparison.Ordinal));
        events[^1].Should().Be("[DONE]");
    }

    private static string? ContentOf(string data)
    {
        if (data == "[DONE]")
        {
            return null;
        }

        using var document = JsonDocument.Parse(data);
        var choices = document.RootElement.GetProperty("choices");
        return choices.GetArrayLength() > 0 && choices[0].GetProperty("delta").TryGetProperty("content", out var content) ? content.GetString() : null;
    }

    /// <summary>POSTs a streamed chat request and reads its events, with the Stopwatch time each arrived.</summary>
    private async Task<(HttpResponseHeaders Headers, List<string> Events, List<long> Arrivals)> StreamRawAsync(string model, bool includeUsage = true)
    {
        var body = $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}],"stream":true{{(includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : string.Empty)}}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await _router.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var events = new List<string>();
        var arrivals = new List<long>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                arrivals.Add(Stopwatch.GetTimestamp());
                events.Add(line[6..]);
            }
        }

        return (response.Headers, events, arrivals);
    }
}
