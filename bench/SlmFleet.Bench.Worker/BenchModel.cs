using System.Text.Json.Nodes;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// The facts of the model folder both sides load: its shape (genai_config.json), the ids a random
/// prompt may use (tokenizer.json), and the bytes a decode step reads (<see cref="OnnxWeights"/>).
/// </summary>
internal sealed record BenchModel(
    string Directory,
    string Name,
    int Layers,
    int KvHeads,
    int HeadSize,
    int ContextLength,
    int VocabSize,
    int PadTokenId,
    IReadOnlyList<int> PromptIds,
    OnnxWeights Weights)
{
    /// <summary>KV bytes one decode step reads per token of context (keys and values of every layer).</summary>
    public long KvBytesPerContextToken => (long)Layers * 2 * KvHeads * HeadSize * Weights.KvElementBytes;

    /// <summary>Bytes read per generated token at batch <paramref name="batch"/>: the weights once per step, shared by the batch, plus each sequence's own KV.</summary>
    public double BytesPerToken(int batch, double context) => ((double)Weights.StreamedBytes / batch) + (KvBytesPerContextToken * context);

    public static BenchModel Load(string directory, string name)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "genai_config.json")))!["model"]!;
        var decoder = config["decoder"]!;
        var heads = (int)decoder["num_attention_heads"]!;
        var kvHeads = (int?)decoder["num_key_value_heads"] ?? heads;
        var headSize = (int?)decoder["head_size"] ?? ((int)decoder["hidden_size"]! / heads);
        var vocabSize = (int)config["vocab_size"]!;
        var special = new HashSet<int>();
        foreach (var key in new[] { "bos_token_id", "eos_token_id", "pad_token_id" })
        {
            switch (config[key])
            {
                case JsonArray ids:
                    special.UnionWith(ids.Select(id => (int)id!));
                    break;
                case JsonValue id:
                    special.Add((int)id);
                    break;
            }
        }

        var tokenizer = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "tokenizer.json")))!;
        special.UnionWith(tokenizer["added_tokens"]?.AsArray().Select(t => (int)t!["id"]!) ?? []);
        // Ids past the tokenizer's own vocabulary are padding rows of the embedding (Qwen2.5 has
        // 151,936 rows for 151,665 tokens): a worker that detokenizes must never be sent one.
        var tokenizerVocab = tokenizer["model"]?["vocab"]?.AsObject().Select(p => (int)p.Value!).DefaultIfEmpty(vocabSize - 1).Max() + 1 ?? vocabSize;
        var promptIds = Enumerable.Range(0, Math.Min(vocabSize, tokenizerVocab)).Where(id => !special.Contains(id)).ToArray();
        var pad = config["pad_token_id"] switch
        {
            JsonArray ids => (int)ids[0]!,
            JsonValue id => (int)id,
            _ => 0,
        };
        return new BenchModel(directory, name, (int)decoder["num_hidden_layers"]!, kvHeads, headSize, (int)config["context_length"]!, vocabSize, pad, promptIds, OnnxWeights.Read(directory));
    }
}
