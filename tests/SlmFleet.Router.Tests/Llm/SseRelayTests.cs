using System.Buffers;
using System.Text;
using SlmFleet.Router.Llm;

namespace SlmFleet.Router.Tests.Llm;

[TestFixture]
public sealed class SseRelayTests
{
    private const string Content = """data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}""";
    private const string Usage = """data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}""";

    private static (string Output, SseRelay Relay) Relay(bool relayUsage, params string[] reads)
    {
        var relay = new SseRelay(LlmAnswerModel.QuotedAlias("my-alias"), relayUsage);
        var output = new ArrayBufferWriter<byte>();
        var pending = new List<byte>();
        foreach (var read in reads)
        {
            pending.AddRange(Encoding.UTF8.GetBytes(read));
            var consumed = relay.Process(pending.ToArray(), output);
            pending.RemoveRange(0, consumed);
        }

        relay.Finish(pending.ToArray(), output);
        return (Encoding.UTF8.GetString(output.WrittenSpan), relay);
    }

    [Test]
    public void Process_UsageNotAsked_DropsUsageChunkButCountsIt()
    {
        var (output, relay) = Relay(false, Content + "\n\n" + Usage + "\n\ndata: [DONE]\n\n");

        output.Should().Be(Content.Replace("gpt-4o-2024-08-06", "my-alias", StringComparison.Ordinal) + "\n\ndata: [DONE]\n\n");
        (relay.PromptTokens, relay.CompletionTokens).Should().Be((12, 3));
        relay.SawDone.Should().BeTrue();
    }

    [Test]
    public void Process_UsageAsked_RelaysUsageChunkWithAlias()
    {
        var (output, relay) = Relay(true, Content + "\n\n" + Usage + "\n\ndata: [DONE]\n\n");

        output.Should().Contain("\"choices\":[],\"usage\":{\"prompt_tokens\":12");
        output.Should().NotContain("gpt-4o");
        output.Split("\"model\":\"my-alias\"").Should().HaveCount(3);
        relay.PromptTokens.Should().Be(12);
    }

    [Test]
    public void Process_EventsSplitAcrossReadsAndCrlf_AreReframed()
    {
        var stream = Content + "\r\n\r\n: keep-alive\n\n" + Usage + "\n\ndata: [DONE]\n\n";
        var reads = Enumerable.Range(0, (stream.Length + 6) / 7).Select(i => stream.Substring(i * 7, Math.Min(7, stream.Length - (i * 7)))).ToArray();

        var (output, relay) = Relay(false, reads);

        output.Should().Be(Content.Replace("gpt-4o-2024-08-06", "my-alias", StringComparison.Ordinal) + "\r\n\r\n: keep-alive\n\ndata: [DONE]\n\n");
        relay.CompletionTokens.Should().Be(3);
    }

    [Test]
    public void Process_EventNotYetComplete_IsKeptForTheNextRead()
    {
        var relay = new SseRelay(LlmAnswerModel.QuotedAlias("a"), false);
        var output = new ArrayBufferWriter<byte>();

        var consumed = relay.Process(Encoding.UTF8.GetBytes("data: [DONE]\n\ndata: {\"model\":"), output);

        consumed.Should().Be("data: [DONE]\n\n".Length);
        Encoding.UTF8.GetString(output.WrittenSpan).Should().Be("data: [DONE]\n\n");
    }

    [Test]
    public void Finish_LastEventWithoutBlankLine_StillEndsTheStream()
    {
        var (output, relay) = Relay(false, "data: {\"model\":\"x\",\"choices\":[{}]}\n\ndata: [DONE]\n");

        relay.SawDone.Should().BeTrue();
        output.Should().Be("data: {\"model\":\"a\",\"choices\":[{}]}\n\ndata: [DONE]\n".Replace("\"a\"", "\"my-alias\"", StringComparison.Ordinal));
    }

    [Test]
    public void Process_NonJsonOrMultiLineEvents_PassThroughUnchanged()
    {
        const string Odd = "event: ping\ndata: {\"model\":\"x\"}\n\ndata: not json\n\ndata: {broken\n\n";

        var (output, relay) = Relay(false, Odd);

        output.Should().Be(Odd);
        relay.SawDone.Should().BeFalse();
    }

    [Test]
    public void QuotedAlias_EscapesJson()
    {
        Encoding.UTF8.GetString(LlmAnswerModel.QuotedAlias("a\"b").Span).Should().Be("\"a\\u0022b\"");
    }

    [Test]
    public void Inspect_FindsTopLevelModelChoicesAndUsageOnly()
    {
        var json = """{"model" : "up","choices":[ ],"x":{"model":"nested","usage":{"prompt_tokens":99}},"usage":{"prompt_tokens":4,"completion_tokens":2}}"""u8;

        AnswerInspector.TryInspect(json, out var shape).Should().BeTrue();

        Encoding.UTF8.GetString(json.Slice(shape.ModelStart, shape.ModelLength)).Should().Be("\"up\"");
        shape.IsUsageChunk.Should().BeTrue();
        (shape.PromptTokens, shape.CompletionTokens).Should().Be((4, 2));
        AnswerInspector.TryInspect("""{"choices":[{"index":0}],"usage":null}"""u8, out var content).Should().BeTrue();
        content.EmptyChoices.Should().BeFalse();
        content.HasUsage.Should().BeFalse();
        content.ModelStart.Should().Be(-1);
        AnswerInspector.TryInspect("[1]"u8, out _).Should().BeFalse();
    }
}
