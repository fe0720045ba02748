using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.ModelBuilder;

/// <summary>
/// Writes a generated model folder as the official onnxruntime-genai builder lays it out: model.onnx with its
/// weights in model.onnx.data, genai_config.json, tokenizer.json, tokenizer_config.json.
/// </summary>
internal static class ModelFolderWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the folder in the preset's default precision and returns the number of weight bytes.</summary>
    public static long Write(string directory, ModelPreset preset, int seed) => Write(directory, preset, seed, preset.DefaultPrecision);

    /// <summary>Writes the folder and returns the number of weight bytes (the size of model.onnx.data).</summary>
    public static long Write(string directory, ModelPreset preset, int seed, ModelPrecision precision)
    {
        Directory.CreateDirectory(directory);
        var (vocabulary, merges) = BpeTrainer.Train(TrainingCorpus.Text, preset.Merges);
        var specialIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var special in SpecialTokens.All)
        {
            specialIds[special] = vocabulary.Count + specialIds.Count;
        }

        var tokenizerSize = vocabulary.Count + specialIds.Count;
        var vocabSize = VocabSize(preset, tokenizerSize);
        WriteJson(Path.Combine(directory, "tokenizer.json"), TokenizerFiles.TokenizerJson(vocabulary, merges, specialIds));
        WriteJson(Path.Combine(directory, "tokenizer_config.json"), TokenizerFiles.TokenizerConfig(preset));
        WriteJson(Path.Combine(directory, "genai_config.json"), GenAiConfig.Build(preset, vocabSize, specialIds));

        long weightBytes;
        Onnx.Proto.ModelProto model;
        using (var data = new ExternalDataWriter(Path.Combine(directory, "model.onnx.data")))
        {
            model = TransformerGraphWriter.Build(preset, precision, vocabSize, seed, data, tokenizerSize: tokenizerSize);
            weightBytes = data.BytesWritten;
        }

        using var stream = File.Create(Path.Combine(directory, "model.onnx"));
        model.WriteTo(stream);
        return weightBytes;
    }

    /// <summary>
    /// The embedding may have more rows than the tokenizer has tokens (Qwen2.5 has 151,936 rows for 151,665
    /// tokens); the extra rows are never produced by encoding, and their embeddings are written as zeros.
    /// </summary>
    private static int VocabSize(ModelPreset preset, int tokenizerSize)
    {
        if (preset.VocabSize is { } rows && rows < tokenizerSize)
        {
            throw new ArgumentException($"Preset \"{preset.Name}\" has vocab_size {rows}, below its tokenizer's {tokenizerSize} tokens; it must be at least that.", nameof(preset));
        }

        return preset.VocabSize ?? tokenizerSize;
    }

    private static void WriteJson(string path, JsonNode node) => File.WriteAllText(path, node.ToJsonString(Indented));
}
