namespace SlmFleet.Worker.Engine;

/// <summary>
/// Turns the growing decoded text into deltas: holds back text that may still become a stop
/// sequence or that ends in an incomplete UTF-8 character, and cuts the text at the first stop.
/// </summary>
internal sealed class TextStreamer(IReadOnlyList<string> stops)
{
    private int _emitted;

    /// <summary>Returns the new delta; <paramref name="stopped"/> is true when a stop sequence was found (the stop itself is not emitted).</summary>
    public string Push(string text, out bool stopped)
    {
        stopped = false;
        var end = text.Length;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, Math.Max(0, _emitted - stop.Length + 1), StringComparison.Ordinal);
            if (at >= 0 && at < end)
            {
                end = at;
                stopped = true;
            }
        }

        if (!stopped)
        {
            end = text.Length - HeldBack(text);
        }

        end = Math.Max(end, _emitted);
        var delta = text[_emitted..end];
        _emitted = end;
        return delta;
    }

    /// <summary>Emits whatever is held back once generation ends without a stop.</summary>
    public string Flush(string text)
    {
        var clean = text.TrimEnd('\uFFFD');
        var delta = clean.Length > _emitted ? clean[_emitted..] : string.Empty;
        _emitted = Math.Max(_emitted, clean.Length);
        return delta;
    }

    private int HeldBack(string text)
    {
        var held = 0;
        if (text.Length > 0 && text[^1] == '\uFFFD')
        {
            held = 1;
        }

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
