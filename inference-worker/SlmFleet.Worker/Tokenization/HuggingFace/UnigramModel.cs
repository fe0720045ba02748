using System.Text;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// Hugging Face's Unigram model: the segmentation of a piece with the highest total log-probability
/// (Viterbi over character positions). A character no vocabulary piece covers becomes the unknown
/// token scored min_score - 10; consecutive unknowns are fused; with <c>byte_fallback</c> an unknown
/// span becomes its UTF-8 byte tokens when all of them exist.
/// </summary>
internal sealed class UnigramModel : ITokenModel
{
    private const double UnknownPenalty = 10.0;

    private readonly string[] _pieces;
    private readonly double[] _scores;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _maxPieceLength;
    private readonly int _unknownId;
    private readonly double _unknownScore;
    private readonly int[] _byteTokens;

    public UnigramModel(IReadOnlyList<(string Piece, double Score)> vocabulary, int unknownId, bool byteFallback)
    {
        _pieces = new string[vocabulary.Count];
        _scores = new double[vocabulary.Count];
        _ids = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (var id = 0; id < vocabulary.Count; id++)
        {
            _pieces[id] = vocabulary[id].Piece;
            _scores[id] = vocabulary[id].Score;
            _ids.TryAdd(vocabulary[id].Piece, id);
            _maxPieceLength = Math.Max(_maxPieceLength, vocabulary[id].Piece.Length);
        }

        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _unknownId = unknownId;
        _unknownScore = (_scores.Length == 0 ? 0 : _scores.Min()) - UnknownPenalty;
        _byteTokens = new int[256];
        for (var b = 0; b < 256; b++)
        {
            _byteTokens[b] = byteFallback && _ids.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
        }

        HasByteFallback = _byteTokens.All(id => id >= 0);
    }

    public int IdLimit => _pieces.Length;

    public bool HasByteFallback { get; }

    public string? TokenOf(int id) => (uint)id < (uint)_pieces.Length ? _pieces[id] : null;

    public int? IdOf(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public void Encode(string piece, List<int> ids)
    {
        if (piece.Length == 0)
        {
            return;
        }

        // best[i]: the best segmentation of piece[..i] ends with token Id starting at Start.
        var best = new (double Score, int Start, int Id)[piece.Length + 1];
        for (var i = 1; i < best.Length; i++)
        {
            best[i] = (double.NegativeInfinity, -1, -1);
        }

        for (var start = 0; start < piece.Length; start += CharLength(piece, start))
        {
            if (best[start].Start < 0 && start > 0)
            {
                continue;
            }

            var characterLength = CharLength(piece, start);
            var coversCharacter = false;
            var limit = Math.Min(_maxPieceLength, piece.Length - start);
            for (var length = 1; length <= limit; length++)
            {
                if (!_lookup.TryGetValue(piece.AsSpan(start, length), out var id))
                {
                    continue;
                }

                Offer(best, start, start + length, id, _scores[id]);
                coversCharacter |= length == characterLength;
            }

            if (!coversCharacter)
            {
                Offer(best, start, start + characterLength, _unknownId, _unknownScore);
            }
        }

        var tokens = new List<(int Id, int Start, int End)>();
        for (var end = piece.Length; end > 0; end = best[end].Start)
        {
            tokens.Add((best[end].Id, best[end].Start, end));
        }

        tokens.Reverse();
        Emit(piece, tokens, ids);
    }

    private static int CharLength(string text, int index)
        => char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;

    private static void Offer((double Score, int Start, int Id)[] best, int start, int end, int id, double score)
    {
        var candidate = best[start].Score + score;
        if (best[end].Start < 0 || candidate > best[end].Score)
        {
            best[end] = (candidate, start, id);
        }
    }

    private void Emit(string piece, List<(int Id, int Start, int End)> tokens, List<int> ids)
    {
        var unknownStart = -1;
        for (var i = 0; i <= tokens.Count; i++)
        {
            var isUnknown = i < tokens.Count && tokens[i].Id == _unknownId;
            if (isUnknown)
            {
                unknownStart = unknownStart < 0 ? tokens[i].Start : unknownStart;
                continue;
            }

            if (unknownStart >= 0)
            {
                EmitUnknown(piece[unknownStart..tokens[i - 1].End], ids);
                unknownStart = -1;
            }

            if (i < tokens.Count)
            {
                ids.Add(tokens[i].Id);
            }
        }
    }

    private void EmitUnknown(string text, List<int> ids)
    {
        if (HasByteFallback)
        {
            foreach (var b in Encoding.UTF8.GetBytes(text))
            {
                ids.Add(_byteTokens[b]);
            }

            return;
        }

        ids.Add(_unknownId);
    }
}
