using System.Text.RegularExpressions;

namespace SlmFleet.Worker.Tokenization;

/// <summary>
/// Learns byte-level BPE merges from a corpus: repeatedly merges the most frequent adjacent pair
/// (ties broken by ordinal order so training is deterministic).
/// </summary>
internal static class BpeTrainer
{
    public static (List<string> Vocabulary, List<(string Left, string Right)> Merges) Train(string corpus, int maxMerges)
    {
        var vocabulary = ByteLevelAlphabet.ByteToChar.Select(c => c.ToString()).ToList();
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match match in Regex.Matches(corpus, ByteLevelAlphabet.Gpt2Pattern))
        {
            var word = ByteLevelAlphabet.Encode(match.Value);
            words[word] = words.GetValueOrDefault(word) + 1;
        }

        var pieces = words.Select(w => (Symbols: w.Key.Select(c => c.ToString()).ToList(), Count: w.Value)).ToList();
        var merges = new List<(string, string)>();
        var known = new HashSet<string>(vocabulary, StringComparer.Ordinal);
        while (merges.Count < maxMerges)
        {
            var best = MostFrequentPair(pieces);
            if (best is null)
            {
                break;
            }

            var (left, right) = best.Value;
            merges.Add((left, right));
            var merged = left + right;
            if (known.Add(merged))
            {
                vocabulary.Add(merged);
            }

            foreach (var (symbols, _) in pieces)
            {
                for (var i = 0; i < symbols.Count - 1; i++)
                {
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = merged;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }

        return (vocabulary, merges);
    }

    private static (string, string)? MostFrequentPair(List<(List<string> Symbols, int Count)> pieces)
    {
        var counts = new Dictionary<(string, string), int>();
        foreach (var (symbols, count) in pieces)
        {
            for (var i = 0; i < symbols.Count - 1; i++)
            {
                var pair = (symbols[i], symbols[i + 1]);
                counts[pair] = counts.GetValueOrDefault(pair) + count;
            }
        }

        (string, string)? best = null;
        var bestCount = 1;
        foreach (var (pair, count) in counts)
        {
            if (count > bestCount || (count == bestCount && best is not null && Compare(pair, best.Value) < 0))
            {
                best = pair;
                bestCount = count;
            }
        }

        return best;
    }

    private static int Compare((string, string) a, (string, string) b)
    {
        var first = string.CompareOrdinal(a.Item1, b.Item1);
        return first != 0 ? first : string.CompareOrdinal(a.Item2, b.Item2);
    }
}
