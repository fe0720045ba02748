namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// Hugging Face's NormalizedString::split: the text becomes segments that are matches or not, and the
/// behaviour decides where matches go. Kept apart from <see cref="SplitPreTokenizer"/> because
/// Metaspace (split on "▁", merged with the next piece) uses it too.
/// </summary>
internal static class PatternSplitter
{
    public static void Split(string text, TextPattern pattern, SplitBehavior behavior, bool invert, List<string> output)
    {
        if (text.Length == 0)
        {
            return;
        }

        var matches = new List<(int Start, int Length)>();
        pattern.Matches(text, matches);
        if (behavior == SplitBehavior.Isolated)
        {
            // The common case (every word-regex tokenizer): matches and the gaps between them, in order.
            var at = 0;
            foreach (var (start, length) in matches)
            {
                if (start > at)
                {
                    output.Add(text[at..start]);
                }

                if (length > 0)
                {
                    output.Add(text.Substring(start, length));
                }

                at = start + length;
            }

            if (at < text.Length)
            {
                output.Add(text[at..]);
            }

            return;
        }

        var segments = new List<(int Start, int End, bool IsMatch)>(matches.Count * 2 + 1);
        var previous = 0;
        foreach (var (start, length) in matches)
        {
            if (start > previous)
            {
                segments.Add((previous, start, invert));
            }

            segments.Add((start, start + length, !invert));
            previous = start + length;
        }

        if (previous < text.Length)
        {
            segments.Add((previous, text.Length, invert));
        }

        foreach (var (start, end) in Arrange(segments, behavior))
        {
            if (end > start)
            {
                output.Add(text[start..end]);
            }
        }
    }

    private static List<(int Start, int End)> Arrange(List<(int Start, int End, bool IsMatch)> segments, SplitBehavior behavior)
    {
        var pieces = new List<(int Start, int End)>(segments.Count);
        var previousWasMatch = false;
        switch (behavior)
        {
            case SplitBehavior.Isolated:
                pieces.AddRange(segments.Select(s => (s.Start, s.End)));
                break;
            case SplitBehavior.Removed:
                pieces.AddRange(segments.Where(s => !s.IsMatch).Select(s => (s.Start, s.End)));
                break;
            case SplitBehavior.MergedWithPrevious:
                foreach (var (start, end, isMatch) in segments)
                {
                    if (isMatch && !previousWasMatch && pieces.Count > 0)
                    {
                        pieces[^1] = (pieces[^1].Start, end);
                    }
                    else
                    {
                        pieces.Add((start, end));
                    }

                    previousWasMatch = isMatch;
                }

                break;
            case SplitBehavior.MergedWithNext:
                for (var i = segments.Count - 1; i >= 0; i--)
                {
                    var (start, end, isMatch) = segments[i];
                    if (isMatch && !previousWasMatch && pieces.Count > 0)
                    {
                        pieces[^1] = (start, pieces[^1].End);
                    }
                    else
                    {
                        pieces.Add((start, end));
                    }

                    previousWasMatch = isMatch;
                }

                pieces.Reverse();
                break;
            case SplitBehavior.Contiguous:
                for (var i = 0; i < segments.Count; i++)
                {
                    if (i > 0 && segments[i].IsMatch == segments[i - 1].IsMatch)
                    {
                        pieces[^1] = (pieces[^1].Start, segments[i].End);
                    }
                    else
                    {
                        pieces.Add((segments[i].Start, segments[i].End));
                    }
                }

                break;
        }

        return pieces;
    }
}
