using Microsoft.ML.Tokenizers;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Tokenization.HuggingFace;

namespace SlmFleet.Worker.Tokenization;

/// <summary>
/// Loads the tokenizer of a model folder. tokenizer.json (Hugging Face's format: the pipeline the
/// model was trained with, added tokens included) wins; a SentencePiece tokenizer.model is used only
/// when there is no tokenizer.json, as transformers' fast tokenizers do.
/// </summary>
internal static class TokenizerLoader
{
    public static TextTokenizer Load(string directory)
    {
        var json = Path.Combine(directory, "tokenizer.json");
        var sentencePiece = Path.Combine(directory, "tokenizer.model");
        var config = TokenizerConfig.Load(directory);
        if (File.Exists(json))
        {
            return TokenizerJsonReader.Read(json, config);
        }

        if (File.Exists(sentencePiece))
        {
            return LoadSentencePiece(sentencePiece, config);
        }

        throw new ModelLoadException($"tokenizer.json is missing (and there is no tokenizer.model): expected {json} (Hugging Face tokenizers) or {sentencePiece} (SentencePiece)");
    }

    private static TextTokenizer LoadSentencePiece(string path, TokenizerConfig config)
    {
        try
        {
            var added = config.AddedTokens.GroupBy(t => t.Content, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
            using var stream = File.OpenRead(path);
            var inner = LlamaTokenizer.Create(stream, false, false, added.Count > 0 ? added : null);
            var specialIds = config.AddedTokens.Where(t => t.Special).Select(t => t.Id)
                .Concat([inner.BeginningOfSentenceId, inner.EndOfSentenceId, inner.UnknownId])
                .ToHashSet();
            var pipeline = new SentencePieceModelTokenizer(inner, config.AddBosToken ?? true, config.AddEosToken ?? false, added, specialIds);
            return new TextTokenizer(pipeline, "SentencePiece (tokenizer.model)");
        }
        catch (Exception ex) when (ex is not ModelLoadException)
        {
            throw new ModelLoadException($"tokenizer.model is not a SentencePiece model Microsoft.ML.Tokenizers can load ({path}): {ex.Message}", ex);
        }
    }
}
