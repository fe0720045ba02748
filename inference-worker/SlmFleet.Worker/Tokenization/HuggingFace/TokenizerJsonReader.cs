using System.Text;
using System.Text.Json;
using SlmFleet.Worker.Model;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// Builds the pipeline a tokenizer.json describes. Every component type it does not implement is
/// refused with its JSON path and value, never ignored: a skipped normalizer or pre-tokenizer would
/// silently change what the model sees.
/// </summary>
internal static class TokenizerJsonReader
{
    private const string Normalizers = "NFC, NFD, NFKC, NFKD, Prepend, Replace, Lowercase, Strip, Sequence";
    private const string PreTokenizers = "Metaspace, Split, ByteLevel, Digits, WhitespaceSplit, Whitespace, Sequence";
    private const string Decoders = "ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence";
    private const string PostProcessors = "TemplateProcessing, ByteLevel, BertProcessing, RobertaProcessing, Sequence";

    public static TextTokenizer Read(string path, TokenizerConfig config)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException($"tokenizer.json ({path}) is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = new JsonNode(document.RootElement, path, "$");
            if (root.Kind != JsonValueKind.Object)
            {
                throw root.Error("$ is not a JSON object");
            }

            var added = root.Optional("added_tokens") is { IsNull: false } list ? list.Items().Select(ReadAddedToken).ToList() : [];
            var (model, family) = ReadModel(root.Required("model"));
            var normalizer = ReadNormalizer(root.Optional("normalizer"));
            var preTokenizer = ReadPreTokenizer(root.Optional("pre_tokenizer"));
            var addedContents = added.Select(t => t.Content).ToHashSet(StringComparer.Ordinal);
            var decoder = ReadDecoder(root.Optional("decoder"), addedContents);
            var template = ApplyConfig(ReadPostProcessor(root.Optional("post_processor")), config, added, model, path);
            var rawTokens = new AddedTokenMatcher(added.Where(t => !t.Normalized).Select(t => (t.Content, t)));
            var normalizedTokens = new AddedTokenMatcher(added.Where(t => t.Normalized).Select(t => (normalizer?.Normalize(t.Content) ?? t.Content, t)));
            var pipeline = new HuggingFaceTokenizer(rawTokens, normalizedTokens, normalizer, preTokenizer, model, decoder, template, added);
            if (IsByteLevel(root.Optional("pre_tokenizer")))
            {
                family = "byte-level " + family;
            }

            return new TextTokenizer(pipeline, family + " (tokenizer.json)");
        }
    }

    private static AddedToken ReadAddedToken(JsonNode node) => new(
        node.Required("id").Int(),
        node.Required("content").String(),
        node.Bool("single_word", false),
        node.Bool("lstrip", false),
        node.Bool("rstrip", false),
        node.Bool("normalized", false),
        node.Bool("special", false));

    private static (ITokenModel Model, string Family) ReadModel(JsonNode node)
    {
        var type = node.OptionalString("type") ?? (node.Optional("merges").IsNull ? "missing" : "BPE");
        switch (type)
        {
            case "BPE":
                var bpe = new BpeModel(
                    ReadVocabulary(node.Required("vocab")),
                    ReadMerges(node.Optional("merges")),
                    new BpeSettings(
                        node.OptionalString("unk_token"),
                        node.Bool("fuse_unk", false),
                        node.Bool("byte_fallback", false),
                        node.Bool("ignore_merges", false),
                        node.OptionalString("continuing_subword_prefix"),
                        node.OptionalString("end_of_word_suffix")),
                    message => node.Error($"{node.Path}: {message}"));
                if (!node.Optional("dropout").IsNull && node.Optional("dropout").Double() > 0)
                {
                    throw node.Error($"{node.Path}.dropout is set; BPE dropout is for training and randomizes encoding");
                }

                return (bpe, bpe.HasByteFallback ? "SentencePiece BPE with byte fallback" : "BPE");
            case "Unigram":
                var vocabulary = node.Required("vocab").Items().Select(entry =>
                {
                    var pair = entry.Items().ToList();
                    return pair.Count == 2 ? (pair[0].String(), pair[1].Double()) : throw entry.Error($"{entry.Path} is not a [piece, score] pair");
                }).ToList();
                var unknown = node.Optional("unk_id").IsNull ? 0 : node.Required("unk_id").Int();
                if (unknown < 0 || unknown >= vocabulary.Count)
                {
                    throw node.Error($"{node.Path}.unk_id {unknown} is outside the vocabulary of {vocabulary.Count}");
                }

                var unigram = new UnigramModel(vocabulary, unknown, node.Bool("byte_fallback", false));
                return (unigram, unigram.HasByteFallback ? "SentencePiece Unigram with byte fallback" : "SentencePiece Unigram");
            default:
                throw node.Optional("type").Unsupported(type, "BPE, Unigram");
        }
    }

    private static Dictionary<string, int> ReadVocabulary(JsonNode node)
    {
        if (node.Kind != JsonValueKind.Object)
        {
            throw node.Error($"{node.Path} is not an object of token: id");
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in node.Element.EnumerateObject())
        {
            if (!property.Value.TryGetInt32(out var id) || id < 0)
            {
                throw node.Error($"{node.Path}[\"{property.Name}\"] is not a token id");
            }

            vocabulary[property.Name] = id;
        }

        return vocabulary;
    }

    private static List<(string, string)> ReadMerges(JsonNode node)
    {
        if (node.IsNull)
        {
            return [];
        }

        if (node.Kind != JsonValueKind.Array)
        {
            throw node.Error($"{node.Path} is not an array of merges");
        }

        // Hundreds of thousands of merges (Gemma 3): read them straight, and name the path only on error.
        var merges = new List<(string, string)>(node.Element.GetArrayLength());
        var index = 0;
        foreach (var item in node.Element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                // The older "left right" form: tokens never contain a space there.
                var text = item.GetString()!;
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0 || space == text.Length - 1 || text.IndexOf(' ', space + 1) >= 0)
                {
                    throw node.Error($"{node.Path}[{index}] \"{text}\" is not two tokens separated by one space");
                }

                merges.Add((text[..space], text[(space + 1)..]));
            }
            else if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == 2
                && item[0].ValueKind == JsonValueKind.String && item[1].ValueKind == JsonValueKind.String)
            {
                merges.Add((item[0].GetString()!, item[1].GetString()!));
            }
            else
            {
                throw node.Error($"{node.Path}[{index}] is neither \"left right\" nor a [left, right] pair of strings");
            }

            index++;
        }

        return merges;
    }

    private static INormalizer? ReadNormalizer(JsonNode node)
    {
        if (node.IsNull)
        {
            return null;
        }

        var type = node.Required("type").String();
        if (type is "NFC" or "NFD" or "NFKC" or "NFKD" && !UnicodeFormNormalizer.IsAvailable)
        {
            throw node.Error($"{node.Path}.type is \"{type}\", and Unicode normalization is unavailable in this process (.NET without ICU: install libicu and do not set InvariantGlobalization)");
        }

        return type switch
        {
            "NFC" => new UnicodeFormNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeFormNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeFormNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeFormNormalizer(NormalizationForm.FormKD),
            "Prepend" => new PrependNormalizer(node.Required("prepend").String()),
            "Replace" => new ReplaceNormalizer(TextPattern.Read(node.Required("pattern")), node.Required("content").String()),
            "Lowercase" => new LowercaseNormalizer(),
            "Strip" => new StripNormalizer(node.Bool("strip_left", true), node.Bool("strip_right", true)),
            "Sequence" => new SequenceNormalizer([.. node.Required("normalizers").Items().Select(n => ReadNormalizer(n)!)]),
            _ => throw node.Required("type").Unsupported(type, Normalizers),
        };
    }

    private static IPreTokenizer? ReadPreTokenizer(JsonNode node)
    {
        if (node.IsNull)
        {
            return null;
        }

        var type = node.Required("type").String();
        return type switch
        {
            "Metaspace" => new MetaspacePreTokenizer(Replacement(node), ReadPrependScheme(node), node.Bool("split", true)),
            "Split" => new SplitPreTokenizer(TextPattern.Read(node.Required("pattern")), ReadBehavior(node.Required("behavior")), node.Bool("invert", false)),
            "ByteLevel" => new ByteLevelPreTokenizer(node.Bool("add_prefix_space", true), node.Bool("use_regex", true)),
            "Digits" => new SplitPreTokenizer(TextPattern.FromRegex(@"\p{N}"), node.Bool("individual_digits", false) ? SplitBehavior.Isolated : SplitBehavior.Contiguous, false),
            "WhitespaceSplit" => new SplitPreTokenizer(TextPattern.FromRegex(@"\s"), SplitBehavior.Removed, false),
            "Whitespace" => new SplitPreTokenizer(TextPattern.FromRegex(@"\w+|[^\w\s]+"), SplitBehavior.Removed, true),
            "Sequence" => new SequencePreTokenizer([.. node.Required("pretokenizers").Items().Select(n => ReadPreTokenizer(n)!)]),
            _ => throw node.Required("type").Unsupported(type, PreTokenizers),
        };
    }

    private static IDecoder? ReadDecoder(JsonNode node, IReadOnlySet<string> addedTokens)
    {
        if (node.IsNull)
        {
            return null;
        }

        var type = node.Required("type").String();
        return type switch
        {
            "ByteLevel" => new ByteLevelDecoder(addedTokens),
            "Metaspace" => new MetaspaceDecoder(Replacement(node), ReadPrependScheme(node) != PrependScheme.Never),
            "Replace" => new ReplaceDecoder(TextPattern.Read(node.Required("pattern")), node.Required("content").String()),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => new StripDecoder(SingleCharacter(node.Required("content")), node.Required("start").Int(), node.Required("stop").Int()),
            "Sequence" => new SequenceDecoder([.. node.Required("decoders").Items().Select(n => ReadDecoder(n, addedTokens)!)]),
            _ => throw node.Required("type").Unsupported(type, Decoders),
        };
    }

    private static SpecialTokenTemplate ReadPostProcessor(JsonNode node)
    {
        if (node.IsNull)
        {
            return SpecialTokenTemplate.None;
        }

        var type = node.Required("type").String();
        switch (type)
        {
            case "ByteLevel":
                return SpecialTokenTemplate.None;
            case "TemplateProcessing":
                return ReadTemplate(node);
            case "BertProcessing" or "RobertaProcessing":
                return new SpecialTokenTemplate([TokenPairId(node.Required("cls"))], [TokenPairId(node.Required("sep"))]);
            case "Sequence":
                var template = SpecialTokenTemplate.None;
                foreach (var processor in node.Required("processors").Items())
                {
                    template = template.WrappedBy(ReadPostProcessor(processor));
                }

                return template;
            default:
                throw node.Required("type").Unsupported(type, PostProcessors);
        }
    }

    // TemplateProcessing's "single": SpecialToken items before the sequence are the prefix, after it the suffix.
    private static SpecialTokenTemplate ReadTemplate(JsonNode node)
    {
        var specials = node.Optional("special_tokens");
        var prefix = new List<int>();
        var suffix = new List<int>();
        var seenSequence = false;
        foreach (var item in node.Required("single").Items())
        {
            if (!item.Optional("Sequence").IsNull)
            {
                seenSequence = true;
                continue;
            }

            var name = item.Required("SpecialToken").Required("id").String();
            var entry = specials.Optional(name);
            if (entry.IsNull)
            {
                throw item.Error($"{item.Path} uses special token \"{name}\", which {specials.Path} does not define");
            }

            (seenSequence ? suffix : prefix).AddRange(entry.Required("ids").Items().Select(id => id.Int()));
        }

        return new SpecialTokenTemplate(prefix, suffix);
    }

    private static int TokenPairId(JsonNode pair)
    {
        var items = pair.Items().ToList();
        return items.Count == 2 ? items[1].Int() : throw pair.Error($"{pair.Path} is not a [token, id] pair");
    }

    // tokenizer_config.json's add_bos_token / add_eos_token, when present, decide BOS and EOS (transformers
    // rebuilds the post-processor from them); when absent the post-processor's own template stands.
    private static SpecialTokenTemplate ApplyConfig(SpecialTokenTemplate template, TokenizerConfig config, IReadOnlyList<AddedToken> added, ITokenModel model, string path)
    {
        IReadOnlyList<int> prefix = config.AddBosToken switch
        {
            true => [ConfigTokenId(config.BosToken, "bos_token", added, model, path)],
            false => [],
            null => template.Prefix,
        };
        IReadOnlyList<int> suffix = config.AddEosToken switch
        {
            true => [ConfigTokenId(config.EosToken, "eos_token", added, model, path)],
            false => [],
            null => template.Suffix,
        };
        return new SpecialTokenTemplate(prefix, suffix);
    }

    private static int ConfigTokenId(string? token, string field, IReadOnlyList<AddedToken> added, ITokenModel model, string tokenizerPath)
    {
        var configPath = Path.Combine(Path.GetDirectoryName(tokenizerPath) ?? ".", TokenizerConfig.FileName);
        if (token is null)
        {
            throw new ModelLoadException($"{TokenizerConfig.FileName} ({configPath}): add_{field} is true but {field} is not set");
        }

        return added.FirstOrDefault(t => t.Content == token)?.Id
            ?? model.IdOf(token)
            ?? throw new ModelLoadException($"{TokenizerConfig.FileName} ({configPath}): {field} \"{token}\" is not a token of {tokenizerPath}");
    }

    private static bool IsByteLevel(JsonNode preTokenizer)
        => !preTokenizer.IsNull && preTokenizer.Element.GetRawText().Contains("\"ByteLevel\"", StringComparison.Ordinal);

    private static char Replacement(JsonNode node) => node.Optional("replacement").IsNull ? '\u2581' : SingleCharacter(node.Required("replacement"));

    private static char SingleCharacter(JsonNode node)
    {
        var text = node.String();
        return text.Length == 1 ? text[0] : throw node.Error($"{node.Path} is \"{text}\"; expected exactly one character");
    }

    private static PrependScheme ReadPrependScheme(JsonNode node)
    {
        var scheme = node.Optional("prepend_scheme");
        if (scheme.IsNull)
        {
            // The older form: add_prefix_space true means always.
            return node.Bool("add_prefix_space", true) ? PrependScheme.Always : PrependScheme.Never;
        }

        var value = scheme.String();
        return value switch
        {
            "always" => PrependScheme.Always,
            "first" => PrependScheme.First,
            "never" => PrependScheme.Never,
            _ => throw scheme.Unsupported(value, "always, first, never"),
        };
    }

    private static SplitBehavior ReadBehavior(JsonNode node)
    {
        var value = node.String();
        return value switch
        {
            "Removed" => SplitBehavior.Removed,
            "Isolated" => SplitBehavior.Isolated,
            "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitBehavior.MergedWithNext,
            "Contiguous" => SplitBehavior.Contiguous,
            _ => throw node.Unsupported(value, "Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous"),
        };
    }
}
