using System.Text.Json.Nodes;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Tests.Infrastructure;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Tests.Tokenization;

/// <summary>
/// The loader's choices and refusals on small hand-made tokenizer.json files: which file wins, what a
/// component it does not implement is told as (file, JSON path, value), and how added-token flags cut.
/// </summary>
[TestFixture]
public sealed class TokenizerLoaderTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateFolder() => Directory.CreateDirectory(_directory = Path.Combine(Path.GetTempPath(), "slm-tok-" + Guid.NewGuid().ToString("N")[..8]));

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_directory, recursive: true);

    [TestCase("model", "type", "WordPiece", "$.model.type")]
    [TestCase("normalizer", "type", "Precompiled", "$.normalizer.type")]
    [TestCase("pre_tokenizer", "type", "BertPreTokenizer", "$.pre_tokenizer.type")]
    [TestCase("decoder", "type", "CTC", "$.decoder.type")]
    [TestCase("post_processor", "type", "Mystery", "$.post_processor.type")]
    public void Load_ComponentItDoesNotImplement_ErrorNamesFilePathAndValue(string component, string field, string value, string path)
    {
        var json = Tiny();
        json[component] ??= new JsonObject();
        json[component]![field] = value;
        Write(json);

        var act = () => TokenizerLoader.Load(_directory);

        act.Should().Throw<ModelLoadException>().WithMessage($"*tokenizer.json*{path}*\"{value}\"*supported*");
    }

    [Test]
    public void Load_UnknownPreTokenizerInsideASequence_ErrorNamesItsIndex()
    {
        var json = Tiny();
        json["pre_tokenizer"] = new JsonObject
        {
            ["type"] = "Sequence",
            ["pretokenizers"] = new JsonArray(new JsonObject { ["type"] = "ByteLevel" }, new JsonObject { ["type"] = "UnicodeScripts" }),
        };
        Write(json);

        var act = () => TokenizerLoader.Load(_directory);

        act.Should().Throw<ModelLoadException>().WithMessage("*$.pre_tokenizer.pretokenizers[1].type*\"UnicodeScripts\"*");
    }

    [Test]
    public void Load_MergeOfUnknownTokens_ErrorNamesTheMerge()
    {
        var json = Tiny();
        json["model"]!["merges"] = new JsonArray("a zz");
        Write(json);

        var act = () => TokenizerLoader.Load(_directory);

        act.Should().Throw<ModelLoadException>().WithMessage("*$.model*merge 0*zz*");
    }

    [Test]
    public void Load_TokenizerJsonBesideTokenizerModel_UsesTokenizerJson()
    {
        Write(Tiny());
        File.WriteAllText(Path.Combine(_directory, "tokenizer.model"), "not a protobuf");

        var tokenizer = TokenizerLoader.Load(_directory);

        tokenizer.Family.Should().Be("BPE (tokenizer.json)");
    }

    [Test]
    public void Load_OnlyACorruptTokenizerModel_ErrorNamesIt()
    {
        File.WriteAllBytes(Path.Combine(_directory, "tokenizer.model"), [0xFF, 0xFF, 0xFF, 0x01, 0x02]);

        var act = () => TokenizerLoader.Load(_directory);

        act.Should().Throw<ModelLoadException>().WithMessage("*tokenizer.model*");
    }

    [Test]
    public void Encode_MergesAndFallsBackToUnknown()
    {
        Write(Tiny());
        var tokenizer = TokenizerLoader.Load(_directory);

        tokenizer.Encode("abcab", addSpecialTokens: false).Should().Equal(4, 2, 4);
        tokenizer.Encode("abx", addSpecialTokens: false).Should().Equal([4, 6], "x is not in the vocabulary: <unk>");
    }

    [TestCase(false, false, "c <x> c", new[] { 2, 3, 5, 3, 2 })]
    [TestCase(true, false, "c <x> c", new[] { 2, 5, 3, 2 })]
    [TestCase(false, true, "c <x> c", new[] { 2, 3, 5, 2 })]
    [TestCase(true, true, "c  <x>  c", new[] { 2, 5, 2 })]
    public void Encode_AddedTokenStripFlags_SwallowTheWhitespaceBesideIt(bool leftStrip, bool rightStrip, string text, int[] expected)
    {
        var json = Tiny();
        json["added_tokens"] = new JsonArray(AddedToken(5, "<x>", lstrip: leftStrip, rstrip: rightStrip));
        Write(json);
        var tokenizer = TokenizerLoader.Load(_directory);

        tokenizer.Encode(text, addSpecialTokens: false).Should().Equal(expected);
    }

    [TestCase("c<x>c", new[] { 2, 6, 2 })]
    [TestCase("c <x> c", new[] { 2, 3, 5, 3, 2 })]
    public void Encode_SingleWordAddedToken_MatchesOnlyAsAWord(string text, int[] expected)
    {
        var json = Tiny();
        json["added_tokens"] = new JsonArray(AddedToken(5, "<x>", singleWord: true));
        json["model"]!["vocab"]!["<unk>"] = 6;
        Write(json);
        var tokenizer = TokenizerLoader.Load(_directory);

        tokenizer.Encode(text, addSpecialTokens: false).Should().Equal(expected, "inside a word the token's characters go to the model (<, x, > are unknown and fused)");
    }

    [Test]
    public void Encode_NormalizedAddedToken_MatchesInTheNormalizedText()
    {
        // Hugging Face matches normalized: true tokens after normalization, against their normalized content.
        var json = Tiny();
        json["normalizer"] = new JsonObject { ["type"] = "Lowercase" };
        json["added_tokens"] = new JsonArray(new JsonObject
        {
            ["id"] = 5, ["content"] = "<X>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = true, ["special"] = false,
        });
        Write(json);
        var tokenizer = TokenizerLoader.Load(_directory);

        tokenizer.Encode("AB<x>C", addSpecialTokens: false).Should().Equal(4, 5, 2);
    }

    [Test]
    public void Decode_SpecialAddedToken_IsSkippedOnlyWhenAsked()
    {
        var json = Tiny();
        json["added_tokens"] = new JsonArray(AddedToken(5, "<x>", special: true), AddedToken(7, "<y>", special: false));
        Write(json);
        var tokenizer = TokenizerLoader.Load(_directory);

        tokenizer.Decode([2, 5, 7, 2]).Should().Be("c <y> c", "no decoder: tokens joined with spaces, as Hugging Face does");
        tokenizer.Decode([2, 5, 7, 2], skipSpecialTokens: false).Should().Be("c <x> <y> c");
    }

    [TestCase(TokenizerSources.LlamaSentencePieceFixture)]
    [TestCase(TokenizerSources.Qwen2ByteLevelFixture)]
    public void Decode_AnyIds_NeverThrows(string fixture)
    {
        var tokenizer = TokenizerSources.Load(fixture);
        int[] ids = [-5, int.MaxValue, tokenizer.IdLimit, 0, 1, 2, 3, tokenizer.IdLimit - 1];

        var act = () => tokenizer.Decode(ids);

        act.Should().NotThrow();
    }

    [TestCase(TokenizerSources.LlamaSentencePieceFixture)]
    [TestCase(TokenizerSources.Qwen2ByteLevelFixture)]
    public void Encode_LoneSurrogate_EncodesAsTheReplacementCharacter(string fixture)
    {
        var tokenizer = TokenizerSources.Load(fixture);

        var ids = tokenizer.Encode("a\uD800b", addSpecialTokens: false);

        tokenizer.Decode(ids).Should().Be("a\uFFFDb");
    }

    [Test]
    public void Encode_Unigram_PicksTheMostLikelySegmentation()
    {
        // "abc": "ab" + "c" scores -1 + -1 = -2, "a" + "bc" scores -3 + -0.5 = -3.5, "abc" alone is absent.
        Write(new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["type"] = "Unigram",
                ["unk_id"] = 0,
                ["vocab"] = new JsonArray(Piece("<unk>", 0), Piece("a", -3), Piece("b", -3), Piece("c", -1), Piece("ab", -1), Piece("bc", -0.5)),
            },
        });
        var tokenizer = TokenizerLoader.Load(_directory);

        tokenizer.Family.Should().Be("SentencePiece Unigram (tokenizer.json)");
        tokenizer.Encode("abc", addSpecialTokens: false).Should().Equal(4, 3);
        tokenizer.Encode("abxxc", addSpecialTokens: false).Should().Equal([4, 0, 3], "unknown characters in a row fuse into one <unk>");
    }

    private static JsonArray Piece(string piece, double score) => new(piece, score);

    private static JsonObject AddedToken(int id, string content, bool lstrip = false, bool rstrip = false, bool singleWord = false, bool special = true) => new()
    {
        ["id"] = id, ["content"] = content, ["single_word"] = singleWord, ["lstrip"] = lstrip, ["rstrip"] = rstrip, ["normalized"] = false, ["special"] = special,
    };

    // a b c space, "ab", <unk>: no normalizer, pre-tokenizer or decoder, so each section is one piece.
    private static JsonObject Tiny() => new()
    {
        ["added_tokens"] = new JsonArray(),
        ["model"] = new JsonObject
        {
            ["type"] = "BPE",
            ["unk_token"] = "<unk>",
            ["fuse_unk"] = true,
            ["vocab"] = new JsonObject { ["a"] = 0, ["b"] = 1, ["c"] = 2, [" "] = 3, ["ab"] = 4, ["<unk>"] = 6 },
            ["merges"] = new JsonArray("a b"),
        },
    };

    private void Write(JsonObject json) => File.WriteAllText(Path.Combine(_directory, "tokenizer.json"), json.ToJsonString());
}
