using System.Text.Json.Nodes;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.ModelBuilder;

/// <summary>genai_config.json in the layout (keys, order, defaults) the official builder writes for a CPU Qwen2 export.</summary>
internal static class GenAiConfig
{
    public static JsonObject Build(ModelPreset preset, int vocabSize, IReadOnlyDictionary<string, int> specialIds) => new()
    {
        ["model"] = new JsonObject
        {
            ["bos_token_id"] = specialIds[SpecialTokens.EndOfText],
            ["context_length"] = preset.ContextLength,
            ["decoder"] = new JsonObject
            {
                // No provider entries: the CPU provider, also for fp16 (the builder's fp16 export names CUDA here).
                ["session_options"] = new JsonObject { ["log_id"] = "onnxruntime-genai", ["provider_options"] = new JsonArray() },
                ["filename"] = "model.onnx",
                ["head_size"] = preset.HeadSize,
                ["hidden_size"] = preset.Hidden,
                ["inputs"] = new JsonObject
                {
                    ["input_ids"] = "input_ids",
                    ["attention_mask"] = "attention_mask",
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
                ["num_key_value_heads"] = preset.KvHeads,
            },
            ["eos_token_id"] = new JsonArray(SpecialTokens.EndOfTurn.Select(t => (JsonNode)JsonValue.Create(specialIds[t])).ToArray()),
            ["pad_token_id"] = specialIds[SpecialTokens.EndOfText],
            ["type"] = "qwen2",
            ["vocab_size"] = vocabSize,
        },
        ["search"] = new JsonObject
        {
            ["diversity_penalty"] = 0.0,
            ["do_sample"] = false,
            ["early_stopping"] = true,
            ["length_penalty"] = 1.0,
            ["max_length"] = preset.MaxLength,
            ["min_length"] = 0,
            ["no_repeat_ngram_size"] = 0,
            ["num_beams"] = 1,
            ["num_return_sequences"] = 1,
            // GroupQueryAttention appends into the past buffer, so GenAI binds present onto past.
            ["past_present_share_buffer"] = true,
            ["repetition_penalty"] = 1.0,
            ["temperature"] = 1.0,
            ["top_k"] = 50,
            ["top_p"] = 1.0,
        },
    };
}
