using System.Buffers;
using System.Text;
using System.Text.Json;
using SlmFleet.Router.Llm;

namespace SlmFleet.Router.Tests.Llm;

[TestFixture]
public sealed class LlmRequestRewriterTests
{
    private static JsonElement Rewrite(string body, bool forceStream = false, bool? stream = null)
    {
        var output = new ArrayBufferWriter<byte>();
        LlmRequestRewriter.Rewrite(Encoding.UTF8.GetBytes(body), "gpt-big", forceStream, stream, output);
        return JsonDocument.Parse(output.WrittenMemory).RootElement;
    }

    [Test]
    public void Rewrite_ReplacesModelDropsMetadataKeepsEverythingElse()
    {
        var result = Rewrite("""{"model":"alias","metadata":{"task_type":"faq","x":[1,{"y":2}]},"messages":[{"role":"user","content":"h\u00e9 \"q\""}],"temperature":0.5,"tools":[{"a":[1,2,{"b":null}]}],"n":1}""");

        result.GetProperty("model").GetString().Should().Be("gpt-big");
        result.TryGetProperty("metadata", out _).Should().BeFalse();
        result.GetProperty("messages")[0].GetProperty("content").GetString().Should().Be("hé \"q\"");
        result.GetProperty("temperature").GetDouble().Should().Be(0.5);
        result.GetProperty("tools")[0].GetProperty("a")[2].GetProperty("b").ValueKind.Should().Be(JsonValueKind.Null);
        result.GetProperty("n").GetInt32().Should().Be(1);
    }

    [Test]
    public void Rewrite_Streaming_AsksForUsageOnce()
    {
        Rewrite("""{"model":"a","stream":true,"messages":[]}""").GetProperty("stream_options").GetProperty("include_usage").GetBoolean().Should().BeTrue();
        Rewrite("""{"model":"a","stream":true,"messages":[],"stream_options":null}""").GetProperty("stream_options").GetProperty("include_usage").GetBoolean().Should().BeTrue();
        Rewrite("""{"model":"a","stream":false,"messages":[]}""").TryGetProperty("stream_options", out _).Should().BeFalse();
    }

    [Test]
    public void Rewrite_ClientTurnedUsageOff_AsksForUsageAnywayAndKeepsOtherOptions()
    {
        var result = Rewrite("""{"model":"a","stream_options":{"include_usage":false,"include_obfuscation":false},"stream":true,"messages":[]}""");

        var options = result.GetProperty("stream_options");
        options.GetProperty("include_usage").GetBoolean().Should().BeTrue("spend is counted from the usage chunk");
        options.GetProperty("include_obfuscation").GetBoolean().Should().BeFalse();
        options.EnumerateObject().Select(p => p.Name).Should().Equal("include_obfuscation", "include_usage");
        result.EnumerateObject().Count(p => p.Name == "stream_options").Should().Be(1);
    }

    [Test]
    public void Rewrite_ForceStreamOff_DropsClientStreamOptions()
    {
        var result = Rewrite("""{"model":"a","stream":true,"stream_options":{"include_usage":true},"messages":[]}""", forceStream: true, stream: false);

        result.GetProperty("stream").GetBoolean().Should().BeFalse();
        result.TryGetProperty("stream_options", out _).Should().BeFalse();
    }

    [Test]
    public void Rewrite_ForceStreamOff_ForShadowCopies()
    {
        var result = Rewrite("""{"model":"a","stream":true,"messages":[]}""", forceStream: true, stream: false);

        result.GetProperty("stream").GetBoolean().Should().BeFalse();
        result.TryGetProperty("stream_options", out _).Should().BeFalse();
    }

    [Test]
    public void UsageReader_FindsTopLevelUsageOnly()
    {
        var json = """{"choices":[{"usage":{"prompt_tokens":99}}],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}}"""u8;

        UsageReader.TryRead(json, out var prompt, out var completion).Should().BeTrue();
        (prompt, completion).Should().Be((12, 34));
    }
}
