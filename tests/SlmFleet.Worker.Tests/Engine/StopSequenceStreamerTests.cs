using System.Text;
using SlmFleet.Worker.Engine;

namespace SlmFleet.Worker.Tests.Engine;

[TestFixture]
public sealed class StopSequenceStreamerTests
{
    [Test]
    public void Append_TextThatMayBecomeAStop_IsHeldBack()
    {
        var streamer = new StopSequenceStreamer(["END"]);

        var first = streamer.Append("hello E", out var stopped1);
        var second = streamer.Append("N", out var stopped2);
        var third = streamer.Append("x", out var stopped3);

        first.Should().Be("hello ");
        second.Should().BeEmpty();
        third.Should().Be("ENx");
        new[] { stopped1, stopped2, stopped3 }.Should().OnlyContain(s => !s);
    }

    [Test]
    public void Append_StopSpanningPieces_CutsBeforeItAndEmitsNothingAfter()
    {
        var streamer = new StopSequenceStreamer(["\n\n", "END"]);

        var deltas = new[] { "abc x", "E", "N", "D more", "and more" }.Select(p => streamer.Append(p, out _)).ToList();

        string.Concat(deltas).Should().Be("abc x");
        streamer.Stopped.Should().BeTrue();
        streamer.Finish("tail", out var stopped).Should().BeEmpty();
        stopped.Should().BeTrue();
    }

    [Test]
    public void Append_TwoStopsInOnePiece_CutsAtTheEarlier()
    {
        var streamer = new StopSequenceStreamer(["END", "\n"]);

        streamer.Append("ab\ncdEND", out var stopped).Should().Be("ab");
        stopped.Should().BeTrue();
    }

    [Test]
    public void Finish_HeldBackText_IsReleased()
    {
        var streamer = new StopSequenceStreamer(["</answer>"]);
        var first = streamer.Append("42 </ans", out _);

        var last = streamer.Finish(string.Empty, out var stopped);

        (first + last).Should().Be("42 </ans");
        stopped.Should().BeFalse();
    }

    [Test]
    public void Finish_StopInTheLastPiece_IsCut()
    {
        var streamer = new StopSequenceStreamer(["##"]);
        var first = streamer.Append("a#", out _);

        var last = streamer.Finish("#b", out var stopped);

        (first + last).Should().Be("a");
        stopped.Should().BeTrue();
    }

    [Test]
    public void Append_RandomPiecesAndStops_SameOutputAsTheFullTextStreamer([Range(1, 300)] int seed)
    {
        // The oracle is the full-text TextStreamer the scheduler used so far: same text, any split, same result.
        var random = new Random(seed);
        const string Alphabet = "ab\nE";
        var text = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
        var stops = Enumerable.Range(0, random.Next(0, 3))
            .Select(_ => new string(Enumerable.Range(0, random.Next(1, 5)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray()))
            .ToList();
        var pieces = Split(text, random);

        var (expected, expectedStop) = ThroughTextStreamer(pieces, stops);
        var (actual, actualStop) = ThroughPieceStreamer(pieces, stops);

        actual.Should().Be(expected, $"text {Escape(text)}, stops [{string.Join(", ", stops.Select(Escape))}]");
        actualStop.Should().Be(expectedStop);
        if (expectedStop)
        {
            var cut = stops.Select(s => text.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).Min();
            actual.Should().Be(text[..cut]);
        }
    }

    private static (string Text, bool Stopped) ThroughTextStreamer(List<string> pieces, List<string> stops)
    {
        var streamer = new TextStreamer(stops);
        var output = new StringBuilder();
        var full = string.Empty;
        foreach (var piece in pieces)
        {
            full += piece;
            output.Append(streamer.Push(full, out var stopped));
            if (stopped)
            {
                return (output.ToString(), true);
            }
        }

        output.Append(streamer.Flush(full));
        return (output.ToString(), false);
    }

    private static (string Text, bool Stopped) ThroughPieceStreamer(List<string> pieces, List<string> stops)
    {
        var streamer = new StopSequenceStreamer(stops);
        var output = new StringBuilder();
        foreach (var piece in pieces)
        {
            output.Append(streamer.Append(piece, out var stopped));
            if (stopped)
            {
                return (output.ToString(), true);
            }
        }

        output.Append(streamer.Finish(string.Empty, out var finished));
        return (output.ToString(), finished);
    }

    private static List<string> Split(string text, Random random)
    {
        var pieces = new List<string>();
        var at = 0;
        while (at < text.Length)
        {
            var length = Math.Min(random.Next(0, 5), text.Length - at);
            pieces.Add(text.Substring(at, length));
            at += length;
        }

        return pieces;
    }

    private static string Escape(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal);
}
