using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using SlmFleet.Worker.Model;

namespace SlmFleet.Worker.Tokenization;

/// <summary>
/// Loads the tokenizer of a model folder: tokenizer.json (Hugging Face BPE: vocab, merges, added
/// tokens) or tokenizer.model (SentencePiece, as Llama-family exports ship it).
/// </summary>
internal static class TokenizerLoader
{
    public static TextTokenizer Load(string directory)
    {
        var json = Path.Combine(directory, "tokenizer.json");
        var sentencePiece = Path.Combine(directory, "tokenizer.model");
        if (File.Exists(json))
        {
            return LoadBpe(json);
        }

        if (File.Exists(sentencePiece))
        {
            try
            {
                using var stream = File.OpenRead(sentencePiece);
                var llama = LlamaTokenizer.Create(stream, false, false);
                var specials = llama.SpecialTokens ?? new Dictionary<string, int>();
                return new TextTokenizer(llama, specials, false);
            }
            catch (Exception ex) when (ex is not ModelLoadException)
            {
                throw new ModelLoadException($"tokenizer.model is corrupt ({sentencePiece}): {ex.Message}", ex);
            }
        }

        throw new ModelLoadException($"tokenizer.json is missing (and there is no tokenizer.model): expected {json} (BPE) or {sentencePiece} (SentencePiece)");
    }

    private static TextTokenizer LoadBpe(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            var model = root.GetProperty("model");
            var type = model.TryGetProperty("type", out var t) ? t.GetString() : "BPE";
            if (type != "BPE")
            {
                throw new ModelLoadException($"tokenizer.json ({path}) has model.type \"{type}\"; only \"BPE\" is supported (or ship tokenizer.model)");
            }

            var vocabulary = model.GetProperty("vocab").EnumerateObject().Select(p => new KeyValuePair<string, int>(p.Name, p.Value.GetInt32())).ToList();
            var merges = model.GetProperty("merges").EnumerateArray()
                .Select(m => m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString()!)
                .ToList();
            var specials = new Dictionary<string, int>(StringComparer.Ordinal);
            if (root.TryGetProperty("added_tokens", out var added))
            {
                foreach (var token in added.EnumerateArray())
                {
                    specials[token.GetProperty("content").GetString()!] = token.GetProperty("id").GetInt32();
                }
            }

            var options = new BpeOptions(vocabulary)
            {
                Merges = merges,
                SpecialTokens = specials,
                ByteLevel = IsByteLevel(root),
                PreTokenizer = new RegexPreTokenizer(new Regex(SplitPattern(root) ?? ByteLevelAlphabet.Gpt2Pattern, RegexOptions.Compiled), specials),
            };
            return new TextTokenizer(BpeTokenizer.Create(options), specials, true);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new ModelLoadException($"tokenizer.json is corrupt ({path}): {ex.Message}", ex);
        }
    }

    private static bool IsByteLevel(JsonElement root)
        => root.TryGetProperty("pre_tokenizer", out var pre) && pre.ValueKind == JsonValueKind.Object
            && pre.GetRawText().Contains("\"ByteLevel\"", StringComparison.Ordinal);

    // Qwen2-style tokenizers put their regex in a Split pre-tokenizer; use it when present.
    private static string? SplitPattern(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var candidates = pre.TryGetProperty("pretokenizers", out var list) ? list.EnumerateArray().ToList() : [pre];
        foreach (var candidate in candidates)
        {
            if (candidate.TryGetProperty("type", out var kind) && kind.GetString() == "Split"
                && candidate.TryGetProperty("pattern", out var pattern) && pattern.TryGetProperty("Regex", out var regex))
            {
                return regex.GetString();
            }
        }

        return null;
    }
}
