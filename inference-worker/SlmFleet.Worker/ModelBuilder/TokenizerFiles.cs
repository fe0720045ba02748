using System.Text.Json.Nodes;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.ModelBuilder;

/// <summary>tokenizer.json (Hugging Face byte-level BPE) and tokenizer_config.json for a trained vocabulary.</summary>
internal static class TokenizerFiles
{
    public static JsonObject TokenizerJson(List<string> vocabulary, List<(string Left, string Right)> merges, IReadOnlyDictionary<string, int> specialIds)
    {
        var vocab = new JsonObject();
        for (var i = 0; i < vocabulary.Count; i++)
        {
            vocab[vocabulary[i]] = i;
        }

        foreach (var (token, id) in specialIds)
        {
            vocab[token] = id;
        }

        var added = new JsonArray();
        foreach (var (token, id) in specialIds)
        {
            added.Add(new JsonObject
            {
                ["id"] = id, ["content"] = token, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        }

        var byteLevel = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true };
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = byteLevel,
            ["post_processor"] = byteLevel.DeepClone(),
            ["decoder"] = byteLevel.DeepClone(),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(merges.Select(m => (JsonNode)JsonValue.Create($"{m.Left} {m.Right}")).ToArray()),
            },
        };
    }

    public static JsonObject TokenizerConfig(ModelPreset preset) => new()
    {
        ["add_bos_token"] = false,
        ["add_eos_token"] = false,
        ["bos_token"] = SpecialTokens.EndOfText,
        ["eos_token"] = SpecialTokens.EndOfText,
        ["pad_token"] = SpecialTokens.EndOfText,
        ["unk_token"] = null,
        ["model_max_length"] = preset.ContextLength,
        ["tokenizer_class"] = "GPT2Tokenizer",
        ["clean_up_tokenization_spaces"] = false,
    };
}
