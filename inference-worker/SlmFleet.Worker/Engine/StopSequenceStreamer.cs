namespace SlmFleet.Worker.Engine;

/// <summary>
/// Streams text pieces (from <see cref="IncrementalDetokenizer"/>) to the client and cuts the
/// output at the first stop sequence: the piece-by-piece counterpart of <see cref="TextStreamer"/>,
/// with the same stop semantics but O(piece + longest stop) work per token instead of O(text).
/// </summary>
/// <remarks>
/// A stop may span pieces, so the longest tail that is still a prefix of some stop is held back
/// until the next piece decides it. Emitted text therefore never contains the start of a stop that
/// could still complete, which is why only the held tail plus the new piece is searched. Nothing
/// after a stop is emitted, and the stop itself is not. Pieces are complete text: the detokenizer
/// already holds back incomplete UTF-8 characters, so unlike <see cref="TextStreamer"/> this class
/// has no U+FFFD rule.
/// </remarks>
internal sealed class StopSequenceStreamer(IReadOnlyList<string> stops)
{
    private string _held = string.Empty;

    /// <summary>True once a stop sequence was found; every later call returns nothing.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds a piece; returns the text that can be sent now. <paramref name="stopped"/> is true when a stop sequence was found (the text before it is returned, the stop is not).</summary>
    public string Append(string piece, out bool stopped)
    {
        if (Stopped)
        {
            stopped = true;
            return string.Empty;
        }

        var text = _held + piece;
        var cut = FirstStop(text);
        if (cut >= 0)
        {
            Stopped = stopped = true;
            _held = string.Empty;
            return text[..cut];
        }

        stopped = false;
        var held = HeldBack(text);
        _held = text[^held..];
        return text[..^held];
    }

    /// <summary>
    /// Ends the stream: adds the last piece (the detokenizer's <see cref="IncrementalDetokenizer.Flush"/>)
    /// and releases the held-back tail, which can no longer become a stop.
    /// </summary>
    public string Finish(string tail, out bool stopped)
    {
        var delta = Append(tail, out stopped);
        if (stopped)
        {
            return delta;
        }

        delta += _held;
        _held = string.Empty;
        return delta;
    }

    private int FirstStop(string text)
    {
        var first = -1;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    // The longest tail of the text that some stop begins with (shorter than that stop, or it would have matched).
    private int HeldBack(string text)
    {
        var held = 0;
        foreach (var stop in stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > held; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    held = length;
                    break;
                }
            }
        }

        return held;
    }
}
