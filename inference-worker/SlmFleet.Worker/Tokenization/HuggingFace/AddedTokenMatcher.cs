namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// Finds added tokens in text the way Hugging Face's AddedVocabulary does: leftmost-longest
/// non-overlapping matches (a trie walk from each position that can start a token), then the
/// <c>single_word</c> check (a rejected match is skipped, not shortened), then <c>lstrip</c> /
/// <c>rstrip</c>, which widen the match over neighbouring whitespace.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly TrieNode _root = new();
    private readonly HashSet<char> _firstCharacters = [];

    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedToken Token)> tokens)
    {
        foreach (var (pattern, token) in tokens)
        {
            if (pattern.Length == 0)
            {
                continue;
            }

            var node = _root;
            foreach (var c in pattern)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child))
                {
                    child = new TrieNode();
                    node.Children[c] = child;
                }

                node = child;
            }

            // Two tokens with the same text: the first one listed wins, as in a dictionary built in order.
            node.Token ??= token;
            _firstCharacters.Add(pattern[0]);
        }

        IsEmpty = _firstCharacters.Count == 0;
    }

    public bool IsEmpty { get; }

    /// <summary>Appends the sections of <paramref name="text"/>; <paramref name="offset"/> is added to every start.</summary>
    public void Split(string text, int offset, List<TextSection> output)
    {
        if (IsEmpty)
        {
            output.Add(new TextSection(text, null, offset));
            return;
        }

        var emitted = 0;
        var position = 0;
        while (position < text.Length)
        {
            var found = _firstCharacters.Contains(text[position]) ? Longest(text, position) : null;
            if (found is null)
            {
                position++;
                continue;
            }

            var (token, end) = found.Value;

            if (token.SingleWord && (TouchesWordBefore(text, position) || TouchesWordAfter(text, end)))
            {
                position = end;
                continue;
            }

            var start = position;
            if (token.LeftStrip)
            {
                while (start > emitted && char.IsWhiteSpace(text[start - 1]))
                {
                    start--;
                }
            }

            if (token.RightStrip)
            {
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }
            }

            if (start > emitted)
            {
                output.Add(new TextSection(text[emitted..start], null, offset + emitted));
            }

            output.Add(new TextSection(token.Content, token.Id, offset + start));
            emitted = end;
            position = end;
        }

        if (emitted < text.Length)
        {
            output.Add(new TextSection(text[emitted..], null, offset + emitted));
        }
    }

    private static bool TouchesWordBefore(string text, int start) => start > 0 && char.IsLetterOrDigit(text[start - 1]);

    private static bool TouchesWordAfter(string text, int end) => end < text.Length && char.IsLetterOrDigit(text[end]);

    private (AddedToken Token, int End)? Longest(string text, int start)
    {
        (AddedToken, int)? best = null;
        var node = _root;
        for (var i = start; i < text.Length; i++)
        {
            if (node.Children is null || !node.Children.TryGetValue(text[i], out node))
            {
                break;
            }

            if (node.Token is { } token)
            {
                best = (token, i + 1);
            }
        }

        return best;
    }

    private sealed class TrieNode
    {
        public Dictionary<char, TrieNode>? Children { get; set; }

        public AddedToken? Token { get; set; }
    }
}
