using System.Text.Json;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Tokenization;

/// <summary>
/// The fixtures' reference.json holds ONNX Runtime GenAI's own encoding of each prompt text (plain and
/// chat-rendered). The runtime adds no BOS to plain prompts and the chat templates write their own, so
/// the runtime's ids are our encoding without special tokens.
/// </summary>
[TestFixture]
public sealed class FixtureTokenizerTests
{
    [TestCase(TokenizerSources.LlamaSentencePieceFixture)]
    [TestCase(TokenizerSources.Qwen2ByteLevelFixture)]
    public void Encode_ReferencePromptTexts_GiveTheRuntimePromptIds(string fixture)
    {
        var tokenizer = TokenizerSources.Load(fixture);

        foreach (var (name, text, ids) in Prompts(fixture))
        {
            tokenizer.Encode(text, addSpecialTokens: false).Should().Equal(ids, $"{fixture} prompt {name}");
        }
    }

    [TestCase(TokenizerSources.LlamaSentencePieceFixture)]
    [TestCase(TokenizerSources.Qwen2ByteLevelFixture)]
    public void Decode_ReferencePromptIds_GiveBackThePromptText(string fixture)
    {
        var tokenizer = TokenizerSources.Load(fixture);

        foreach (var (name, text, ids) in Prompts(fixture))
        {
            // A chat prompt opens with a special token ("<s>", "<|im_start|>"). SentencePiece's decoder strips the
            // dummy-prefix space only at the very start, so after "<s>" it stays ("<s> [INST]", as Hugging Face
            // decodes too): compare what follows the opening token, decoded on its own.
            var opening = tokenizer.AddedTokens.FirstOrDefault(t => t.Value == ids[0] && text.StartsWith(t.Key, StringComparison.Ordinal)).Key;
            var (rest, expected) = opening is null ? (ids, text) : (ids[1..], text[opening.Length..]);
            tokenizer.Decode(rest, skipSpecialTokens: false).Should().Be(expected, $"{fixture} prompt {name}");
        }
    }

    [Test]
    public void Encode_RawPromptWithSpecialTokens_PrependsBosAsThePostProcessorSays()
    {
        // tokenizer_config.json has no add_bos_token, so tokenizer.json's TemplateProcessing ("<s> $A") decides.
        var tokenizer = TokenizerSources.Load(TokenizerSources.LlamaSentencePieceFixture);

        var withSpecials = tokenizer.Encode("Hello world", addSpecialTokens: true);
        var without = tokenizer.Encode("Hello world", addSpecialTokens: false);

        withSpecials.Should().Equal([1, .. without]);
        without.Should().HaveCount(2).And.StartWith(22557, "\"▁Hello\" is 22557 in the Mistral vocabulary");
    }

    [Test]
    public void Encode_ByteLevelRawPrompt_AddsNothing()
    {
        var tokenizer = TokenizerSources.Load(TokenizerSources.Qwen2ByteLevelFixture);

        tokenizer.Encode("Hello world", addSpecialTokens: true).Should().Equal(tokenizer.Encode("Hello world", addSpecialTokens: false));
    }

    [Test]
    public void Encode_CharacterMissingFromTheVocabulary_FallsBackToItsBytes()
    {
        // The symptom: "é" encoded to nothing and "Hello world" lost its space.
        var tokenizer = TokenizerSources.Load(TokenizerSources.LlamaSentencePieceFixture);

        var ids = tokenizer.Encode("\u0378é", addSpecialTokens: false);

        ids.Should().NotBeEmpty();
        tokenizer.Decode(ids).Should().Be("\u0378é");
        tokenizer.Decode(tokenizer.Encode("Hello world", addSpecialTokens: true)).Should().Be("Hello world");
    }

    private static List<(string Name, string Text, int[] Ids)> Prompts(string fixture)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureModels.Folder(fixture), "reference.json")));
        return [.. document.RootElement.GetProperty("prompts").EnumerateArray().Select(p => (
            p.GetProperty("name").GetString()!,
            p.GetProperty("prompt").GetString()!,
            p.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()))];
    }
}
