using SlmFleet.Worker.Engine;

namespace SlmFleet.Worker.Tests.Engine;

[TestFixture]
public sealed class TextStreamerTests
{
    [Test]
    public void Push_TextThatMayBecomeAStop_IsHeldBack()
    {
        var streamer = new TextStreamer(["END"]);

        var first = streamer.Push("hello E", out var stopped1);
        var second = streamer.Push("hello EN", out var stopped2);
        var third = streamer.Push("hello ENx", out var stopped3);

        first.Should().Be("hello ");
        second.Should().BeEmpty();
        third.Should().Be("ENx");
        new[] { stopped1, stopped2, stopped3 }.Should().OnlyContain(s => !s);
    }

    [Test]
    public void Push_StopAppears_CutsBeforeIt()
    {
        var streamer = new TextStreamer(["\n\n", "END"]);
        var first = streamer.Push("abc xE", out _);

        var delta = streamer.Push("abc xEND more", out var stopped);

        stopped.Should().BeTrue();
        (first + delta).Should().Be("abc x");
    }

    [Test]
    public void Push_IncompleteUtf8Character_IsHeldBack()
    {
        var streamer = new TextStreamer([]);

        var partial = streamer.Push("caf\uFFFD", out _);
        var complete = streamer.Push("café", out _);

        partial.Should().Be("caf");
        complete.Should().Be("é");
    }
}
