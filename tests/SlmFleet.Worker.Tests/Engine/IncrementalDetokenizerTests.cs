using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Tests.Infrastructure;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Tests.Engine;

/// <summary>
/// The oracle is the tokenizer's own full decode: streaming token by token must give the same text
/// (trailing U+FFFD aside, see <see cref="IncrementalDetokenizer"/>), on the fixtures' real
/// tokenizers and on the token ids their reference runs generated, random-weight gibberish with
/// lone bytes included.
/// </summary>
[TestFixture]
public sealed class IncrementalDetokenizerTests
{
    private const string Qwen3 = "qwen2-bytelevel-152k-fp32";
    private const string ByteLevel4k = "qwen2-gqa-fp32";
    private const string SentencePiece = "llama-sentencepiece-32k-fp32";
    private static readonly ConcurrentDictionary<string, TextTokenizer> Tokenizers = new();

    [TestCase(Qwen3)]
    [TestCase(ByteLevel4k)]
    [TestCase(SentencePiece)]
    public void Push_ReferenceRunIds_ConcatenateToTheFullDecode(string model)
    {
        var tokenizer = TokenizerOf(model);
        var sequences = ReferenceSequences(model);

        foreach (var (name, ids) in sequences)
        {
            StreamAndCheck(tokenizer, ids, name);
        }
    }

    [TestCase(Qwen3, 1)]
    [TestCase(ByteLevel4k, 2)]
    [TestCase(SentencePiece, 3)]
    public void Push_RandomIdsFromTheWholeVocabulary_ConcatenateToTheFullDecode(string model, int seed)
    {
        // Uniform ids hit byte tokens, lone continuation bytes and special tokens far more often than any model does.
        var tokenizer = TokenizerOf(model);
        var vocabulary = VocabularyOf(model).Values.Max() + 1;
        var random = new Random(seed);

        for (var run = 0; run < 20; run++)
        {
            var ids = Enumerable.Range(0, 150).Select(_ => random.Next(vocabulary)).ToList();
            StreamAndCheck(tokenizer, ids, $"random run {run}");
        }
    }

    [TestCase(Qwen3)]
    [TestCase(ByteLevel4k)]
    public void Push_CharactersSplitAcrossByteTokens_EmitsOnlyWholeCharacters(string model)
    {
        // CJK (3 bytes), an emoji (4 bytes), a ZWJ family (emoji + U+200D joiners), a combining accent.
        const string Text = "日本語 😀 👩‍👩‍👧 cafe\u0301 ﷽!";
        var tokenizer = TokenizerOf(model);
        var ids = ByteTokens(model, Encoding.UTF8.GetBytes(Text));
        var detokenizer = new IncrementalDetokenizer(tokenizer);

        var deltas = ids.Select(detokenizer.Push).ToList();
        var flushed = detokenizer.Flush();

        deltas.Should().OnlyContain(d => !d.Contains('\uFFFD'));
        deltas.Where(d => d.Length > 0).Should().OnlyContain(d => !char.IsHighSurrogate(d[d.Length - 1]), "a surrogate pair is never cut");
        (string.Concat(deltas) + flushed).Should().Be(Text);
        deltas.Take(3).Should().Equal(new[] { "", "", "日" }, "the first character needs all three of its bytes");
    }

    [TestCase(Qwen3)]
    [TestCase(ByteLevel4k)]
    [TestCase(SentencePiece)]
    public void Push_MultiByteTextAsTheTokenizerEncodesIt_RoundTrips(string model)
    {
        const string Text = "Grüße, 世界! 👩‍👩‍👧 家族 — naïve 🇯🇵";
        var tokenizer = TokenizerOf(model);

        StreamAndCheck(tokenizer, tokenizer.Encode(Text, addSpecialTokens: false).ToList(), "encoded text");
    }

    [TestCase(Qwen3)]
    [TestCase(ByteLevel4k)]
    public void Push_LoneByteThenText_EmitsTheReplacementCharacterLikeTheFullDecode(string model)
    {
        var tokenizer = TokenizerOf(model);
        var ids = ByteTokens(model, [(byte)'a', 0xE6]).Concat(tokenizer.Encode(" all", addSpecialTokens: false)).ToList();
        var detokenizer = new IncrementalDetokenizer(tokenizer);

        var deltas = ids.Select(detokenizer.Push).ToList();

        deltas.Should().Equal("a", "", "\uFFFD all");
        tokenizer.Decode(ids).Should().Be("a\uFFFD all");
    }

    [Test]
    public void Push_ByteFallbackTokensOfOneCharacter_WaitForTheWholeCharacter()
    {
        // U+0378 is in no vocabulary: the SentencePiece tokenizer writes its two UTF-8 bytes as <0xCD> <0xB8>.
        var tokenizer = TokenizerOf(SentencePiece);
        var ids = tokenizer.Encode("a\u0378b", addSpecialTokens: false).ToList();
        var detokenizer = new IncrementalDetokenizer(tokenizer);

        var deltas = ids.Select(detokenizer.Push).ToList();

        deltas.Should().Equal("a", "", "\u0378", "b");
        tokenizer.Decode(ids.Take(2)).Should().Be("a\uFFFD", "a lone lead byte decodes to U+FFFD, which the stream holds back");
    }

    [TestCase(Qwen3)]
    [TestCase(ByteLevel4k)]
    public void Flush_IncompleteCharacterAtTheEnd_IsDropped(string model)
    {
        var tokenizer = TokenizerOf(model);
        var detokenizer = new IncrementalDetokenizer(tokenizer);

        var deltas = ByteTokens(model, [(byte)'o', (byte)'k', 0xF0, 0x9F, 0x98]).Select(detokenizer.Push).ToList();

        string.Concat(deltas).Should().Be("ok");
        detokenizer.Flush().Should().BeEmpty();
    }

    [TestCase(Qwen3)]
    [TestCase(ByteLevel4k)]
    public void Push_ThroughTheStopStreamer_CutsTheReferenceTextAtTheStop(string model)
    {
        // The scheduler's chain: token -> detokenizer piece -> stop streamer. A stop taken from the
        // middle of the text spans token boundaries; the client must get exactly the text before it.
        var tokenizer = TokenizerOf(model);
        foreach (var (name, ids) in ReferenceSequences(model).Where(s => s.Name.EndsWith(" generated", StringComparison.Ordinal)))
        {
            var text = tokenizer.Decode(ids).TrimEnd('\uFFFD');
            var stop = text.Substring(text.Length / 2, Math.Min(5, text.Length - (text.Length / 2)));
            var detokenizer = new IncrementalDetokenizer(tokenizer);
            var streamer = new StopSequenceStreamer([stop]);
            var output = new StringBuilder();
            var stopped = false;
            foreach (var id in ids)
            {
                output.Append(streamer.Append(detokenizer.Push(id), out stopped));
                if (stopped)
                {
                    break;
                }
            }

            if (!stopped)
            {
                output.Append(streamer.Finish(detokenizer.Flush(), out stopped));
            }

            stopped.Should().BeTrue($"{name}: the stop {stop} is in the text");
            output.ToString().Should().Be(text[..text.IndexOf(stop, StringComparison.Ordinal)], name);
        }
    }

    private static void StreamAndCheck(TextTokenizer tokenizer, IReadOnlyList<int> ids, string name)
    {
        var detokenizer = new IncrementalDetokenizer(tokenizer);
        var streamed = new StringBuilder();
        for (var i = 0; i < ids.Count; i++)
        {
            streamed.Append(detokenizer.Push(ids[i]));
            if (i % 7 == 0 || i == ids.Count - 1)
            {
                tokenizer.Decode(ids.Take(i + 1)).Should().StartWith(streamed.ToString(), $"{name}: after {i + 1} tokens the stream is a prefix of the text so far");
            }
        }

        streamed.Append(detokenizer.Flush());
        streamed.ToString().Should().Be(tokenizer.Decode(ids).TrimEnd('\uFFFD'), $"{name}: ids [{string.Join(", ", ids)}]");
    }

    private static TextTokenizer TokenizerOf(string model)
        => Tokenizers.GetOrAdd(model, m => TokenizerLoader.Load(FixtureModels.Folder(m)));

    private static Dictionary<string, int> VocabularyOf(string model)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureModels.Folder(model), "tokenizer.json")));
        var vocabulary = document.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        foreach (var added in document.RootElement.GetProperty("added_tokens").EnumerateArray())
        {
            vocabulary[added.GetProperty("content").GetString()!] = added.GetProperty("id").GetInt32();
        }

        return vocabulary;
    }

    // One token per byte: the byte-level vocabulary has a token for each of the 256 bytes.
    private static List<int> ByteTokens(string model, byte[] bytes)
    {
        var vocabulary = VocabularyOf(model);
        return bytes.Select(b => vocabulary[ByteLevelAlphabet.ByteToChar[b].ToString()]).ToList();
    }

    private static List<(string Name, List<int> Ids)> ReferenceSequences(string model)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureModels.Folder(model), "reference.json")));
        var sequences = new List<(string, List<int>)>();
        foreach (var prompt in document.RootElement.GetProperty("prompts").EnumerateArray())
        {
            var name = prompt.GetProperty("name").GetString()!;
            var promptIds = prompt.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToList();
            var generated = prompt.GetProperty("generated_ids").EnumerateArray().Select(e => e.GetInt32()).ToList();
            sequences.Add(($"{name} generated", generated));
            sequences.Add(($"{name} prompt", promptIds));
            sequences.Add(($"{name} prompt + generated", [.. promptIds, .. generated]));
        }

        return sequences;
    }
}
