using System.Collections.Concurrent;
using System.Text;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// Hugging Face's BPE model: a piece starts as one symbol per character (a character missing from
/// the vocabulary becomes its UTF-8 byte tokens <c>&lt;0xE9&gt;</c> with <c>byte_fallback</c>, else the
/// unknown token, else nothing), then the adjacent pair with the lowest merge rank is merged, leftmost
/// first, until no pair has a merge. A heap of candidate pairs keeps that O(n log n) per piece: with
/// a Metaspace pre-tokenizer that does not split, a whole prompt is one piece.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' BpeTokenizer (2.0) has neither byte fall-back nor <c>ignore_merges</c>,
/// and its pre-tokenizer and decoder are fixed, which is why this model is written here.
/// </remarks>
internal sealed class BpeModel : ITokenModel
{
    // Pieces up to this length are cached; a whole unsplit prompt is not worth keeping.
    private const int CacheableLength = 64;
    private const int CacheCapacity = 50_000;

    private readonly Dictionary<string, int> _vocabulary;
    private readonly string?[] _tokens;
    private readonly Dictionary<long, (int Rank, int Merged)> _merges;
    private readonly int[] _byteTokens;
    private readonly bool _hasByteFallback;
    private readonly int? _unknownId;
    private readonly bool _fuseUnknown;
    private readonly bool _ignoreMerges;
    private readonly string? _continuingSubwordPrefix;
    private readonly string? _endOfWordSuffix;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    public BpeModel(Dictionary<string, int> vocabulary, IReadOnlyList<(string Left, string Right)> merges, BpeSettings settings, Func<string, Exception> invalid)
    {
        _vocabulary = vocabulary;
        IdLimit = vocabulary.Count == 0 ? 0 : vocabulary.Values.Max() + 1;
        _tokens = new string?[IdLimit];
        foreach (var (token, id) in vocabulary)
        {
            _tokens[id] = token;
        }

        _continuingSubwordPrefix = string.IsNullOrEmpty(settings.ContinuingSubwordPrefix) ? null : settings.ContinuingSubwordPrefix;
        _endOfWordSuffix = string.IsNullOrEmpty(settings.EndOfWordSuffix) ? null : settings.EndOfWordSuffix;
        _fuseUnknown = settings.FuseUnknown;
        _ignoreMerges = settings.IgnoreMerges;
        if (settings.UnknownToken is { } unknown)
        {
            _unknownId = vocabulary.TryGetValue(unknown, out var unknownId) ? unknownId : throw invalid($"unk_token \"{unknown}\" is not in the vocabulary");
        }

        _byteTokens = new int[256];
        for (var b = 0; b < 256; b++)
        {
            _byteTokens[b] = settings.ByteFallback && vocabulary.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
        }

        _hasByteFallback = _byteTokens.Any(id => id >= 0);
        _merges = new Dictionary<long, (int, int)>(merges.Count);
        var prefixLength = _continuingSubwordPrefix?.Length ?? 0;
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocabulary.TryGetValue(left, out var leftId) || !vocabulary.TryGetValue(right, out var rightId))
            {
                throw invalid($"merge {rank} (\"{left}\" \"{right}\") names a token that is not in the vocabulary");
            }

            // With a continuing-subword prefix ("##"), the right part loses its prefix when merged.
            var mergedToken = prefixLength > 0 && right.StartsWith(_continuingSubwordPrefix!, StringComparison.Ordinal) ? left + right[prefixLength..] : left + right;
            if (!vocabulary.TryGetValue(mergedToken, out var mergedId))
            {
                throw invalid($"merge {rank} (\"{left}\" \"{right}\") makes \"{mergedToken}\", which is not in the vocabulary");
            }

            _merges.TryAdd(Key(leftId, rightId), (rank, mergedId));
        }
    }

    public int IdLimit { get; }

    public bool HasByteFallback => _hasByteFallback;

    public string? TokenOf(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    public int? IdOf(string token) => _vocabulary.TryGetValue(token, out var id) ? id : null;

    public void Encode(string piece, List<int> ids)
    {
        if (piece.Length == 0)
        {
            return;
        }

        if (_ignoreMerges && _vocabulary.TryGetValue(piece, out var whole))
        {
            ids.Add(whole);
            return;
        }

        if (piece.Length <= CacheableLength && _cache.TryGetValue(piece, out var cached))
        {
            ids.AddRange(cached);
            return;
        }

        var symbols = InitialSymbols(piece);
        var result = Merge(symbols);
        if (piece.Length <= CacheableLength && _cache.Count < CacheCapacity)
        {
            _cache.TryAdd(piece, result);
        }

        ids.AddRange(result);
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private List<int> InitialSymbols(string piece)
    {
        var symbols = new List<int>(piece.Length);
        var pendingUnknown = false;
        var index = 0;
        foreach (var rune in piece.EnumerateRunes())
        {
            var isFirst = index == 0;
            index += rune.Utf16SequenceLength;
            var isLast = index >= piece.Length;
            var text = rune.ToString();
            if (_continuingSubwordPrefix is not null && !isFirst)
            {
                text = _continuingSubwordPrefix + text;
            }

            if (_endOfWordSuffix is not null && isLast)
            {
                text += _endOfWordSuffix;
            }

            if (_vocabulary.TryGetValue(text, out var id))
            {
                FlushUnknown(symbols, ref pendingUnknown);
                symbols.Add(id);
                continue;
            }

            if (TryAddBytes(text, symbols, ref pendingUnknown))
            {
                continue;
            }

            if (_unknownId is { } unknown)
            {
                if (pendingUnknown && !_fuseUnknown)
                {
                    symbols.Add(unknown);
                }

                pendingUnknown = true;
            }
        }

        FlushUnknown(symbols, ref pendingUnknown);
        return symbols;
    }

    private bool TryAddBytes(string text, List<int> symbols, ref bool pendingUnknown)
    {
        if (!_hasByteFallback)
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            if (_byteTokens[b] < 0)
            {
                return false;
            }
        }

        FlushUnknown(symbols, ref pendingUnknown);
        foreach (var b in bytes)
        {
            symbols.Add(_byteTokens[b]);
        }

        return true;
    }

    private void FlushUnknown(List<int> symbols, ref bool pendingUnknown)
    {
        if (pendingUnknown)
        {
            symbols.Add(_unknownId!.Value);
            pendingUnknown = false;
        }
    }

    // Symbols form a linked list over arrays; the heap holds (rank, position) of candidate pairs and
    // entries made stale by an earlier merge are skipped when popped, as Hugging Face's Word::merge_all does.
    private int[] Merge(List<int> initial)
    {
        var count = initial.Count;
        if (count < 2)
        {
            return [.. initial];
        }

        var ids = initial.ToArray();
        var next = new int[count];
        var previous = new int[count];
        var alive = new bool[count];
        for (var i = 0; i < count; i++)
        {
            next[i] = i + 1 < count ? i + 1 : -1;
            previous[i] = i - 1;
            alive[i] = true;
        }

        var heap = new PriorityQueue<int, long>(count);
        for (var i = 0; i + 1 < count; i++)
        {
            Enqueue(heap, ids, i, i + 1);
        }

        var remaining = count;
        while (heap.TryDequeue(out var position, out var priority))
        {
            var rank = (int)(priority >> 32);
            var right = next[position];
            if (!alive[position] || right < 0 || !_merges.TryGetValue(Key(ids[position], ids[right]), out var merge) || merge.Rank != rank)
            {
                continue;
            }

            ids[position] = merge.Merged;
            alive[right] = false;
            next[position] = next[right];
            if (next[right] >= 0)
            {
                previous[next[right]] = position;
            }

            remaining--;
            if (previous[position] >= 0)
            {
                Enqueue(heap, ids, previous[position], position);
            }

            if (next[position] >= 0)
            {
                Enqueue(heap, ids, position, next[position]);
            }
        }

        var result = new int[remaining];
        var at = 0;
        for (var i = 0; i >= 0; i = next[i])
        {
            result[at++] = ids[i];
        }

        return result;
    }

    private void Enqueue(PriorityQueue<int, long> heap, int[] ids, int left, int right)
    {
        if (_merges.TryGetValue(Key(ids[left], ids[right]), out var merge))
        {
            heap.Enqueue(left, ((long)merge.Rank << 32) | (uint)left);
        }
    }
}
