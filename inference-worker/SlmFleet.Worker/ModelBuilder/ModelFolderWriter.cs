using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using SlmFleet.Worker.Onnx.Proto;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.ModelBuilder;

/// <summary>
/// Writes a generated model folder in the ONNX Runtime GenAI layout: model.onnx (+ model.onnx.data),
/// genai_config.json, tokenizer.json, tokenizer_config.json.
/// </summary>
internal static class ModelFolderWriter
{
    /// <summary>Weights above this size go to an external data file, as large real exports do.</summary>
    private const long ExternalDataThreshold = 16L * 1024 * 1024;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the folder and returns the number of weight bytes.</summary>
    public static long Write(string directory, ModelPreset preset, int seed)
    {
        Directory.CreateDirectory(directory);
        var (vocabulary, merges) = BpeTrainer.Train(TrainingCorpus.Text, preset.Merges);
        var specialIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var special in SpecialTokens.All)
        {
            specialIds[special] = vocabulary.Count + specialIds.Count;
        }

        var vocabSize = vocabulary.Count + specialIds.Count;
        WriteJson(Path.Combine(directory, "tokenizer.json"), TokenizerJson(vocabulary, merges, specialIds));
        WriteJson(Path.Combine(directory, "tokenizer_config.json"), TokenizerConfig(preset));
        WriteJson(Path.Combine(directory, "genai_config.json"), GenAiConfigJson(preset, vocabSize, specialIds));

        var model = TransformerGraphWriter.Build(preset, vocabSize, seed);
        var weightBytes = model.Graph.Initializer.Sum(t => (long)t.RawData.Length);
        if (weightBytes > ExternalDataThreshold)
        {
            MoveToExternalData(model, Path.Combine(directory, "model.onnx.data"));
        }

        using var stream = File.Create(Path.Combine(directory, "model.onnx"));
        model.WriteTo(stream);
        return weightBytes;
    }

    private static void MoveToExternalData(ModelProto model, string dataPath)
    {
        using var data = File.Create(dataPath);
        foreach (var tensor in model.Graph.Initializer.Where(t => t.RawData.Length > 0))
        {
            var offset = data.Position;
            tensor.RawData.WriteTo(data);
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = Path.GetFileName(dataPath) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ClearRawData();
        }
    }

    private static void WriteJson(string path, JsonNode node) => File.WriteAllText(path, node.ToJsonString(Indented));

    private static JsonObject TokenizerJson(List<string> vocabulary, List<(string Left, string Right)> merges, Dictionary<string, int> specialIds)
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

    private static JsonObject TokenizerConfig(ModelPreset preset) => new()
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

    private static JsonObject GenAiConfigJson(ModelPreset preset, int vocabSize, Dictionary<string, int> specialIds) => new()
    {
        ["model"] = new JsonObject
        {
            ["bos_token_id"] = specialIds[SpecialTokens.EndOfText],
            ["context_length"] = preset.ContextLength,
            ["decoder"] = new JsonObject
            {
                ["session_options"] = new JsonObject { ["log_id"] = "onnxruntime-genai", ["provider_options"] = new JsonArray() },
                ["filename"] = "model.onnx",
                ["head_size"] = preset.HeadSize,
                ["hidden_size"] = preset.Hidden,
                ["inputs"] = new JsonObject
                {
                    ["input_ids"] = "input_ids",
                    ["attention_mask"] = "attention_mask",
                    ["position_ids"] = "position_ids",
                    ["past_key_names"] = "past_key_values.%d.key",
                    ["past_value_names"] = "past_key_values.%d.value",
                },
                ["outputs"] = new JsonObject
                {
                    ["logits"] = "logits",
                    ["present_key_names"] = "present.%d.key",
                    ["present_value_names"] = "present.%d.value",
                },
                ["num_attention_heads"] = preset.Heads,
                ["num_hidden_layers"] = preset.Layers,
                ["num_key_value_heads"] = preset.Heads,
            },
            ["eos_token_id"] = new JsonArray(SpecialTokens.EndOfTurn.Select(t => (JsonNode)JsonValue.Create(specialIds[t])).ToArray()),
            ["pad_token_id"] = specialIds[SpecialTokens.EndOfText],
            ["type"] = "slmfleet_decoder",
            ["vocab_size"] = vocabSize,
        },
        ["search"] = new JsonObject
        {
            ["do_sample"] = false,
            ["max_length"] = preset.ContextLength,
            ["min_length"] = 0,
            ["num_beams"] = 1,
            ["num_return_sequences"] = 1,
            ["past_present_share_buffer"] = false,
            ["repetition_penalty"] = 1.0,
            ["temperature"] = 1.0,
            ["top_k"] = 1,
            ["top_p"] = 1.0,
        },
    };
}
