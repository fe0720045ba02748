using System.Globalization;
using System.Text.Json;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Tokenization.HuggingFace;

namespace SlmFleet.Worker.Tokenization;

/// <summary>
/// What tokenizer_config.json says about special tokens: whether encoding adds BOS / EOS (null when
/// it does not say, and the tokenizer's own post-processor decides), which tokens those are (a
/// string or an object with <c>content</c>), and the added tokens
/// (<c>added_tokens_decoder</c>) a tokenizer.model needs to know.
/// </summary>
internal sealed record TokenizerConfig(
    bool? AddBosToken,
    bool? AddEosToken,
    string? BosToken,
    string? EosToken,
    IReadOnlyList<AddedToken> AddedTokens)
{
    public const string FileName = "tokenizer_config.json";

    public static TokenizerConfig Empty { get; } = new(null, null, null, null, []);

    public static TokenizerConfig Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = new JsonNode(document.RootElement, path, "$");
            if (root.Kind != JsonValueKind.Object)
            {
                throw root.Error("$ is not a JSON object");
            }

            return new TokenizerConfig(
                OptionalBool(root, "add_bos_token"),
                OptionalBool(root, "add_eos_token"),
                TokenText(root.Optional("bos_token")),
                TokenText(root.Optional("eos_token")),
                AddedTokensDecoder(root.Optional("added_tokens_decoder")));
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException($"{FileName} ({path}) is not valid JSON: {ex.Message}", ex);
        }
    }

    private static bool? OptionalBool(JsonNode root, string name) => root.Optional(name).IsNull ? null : root.Bool(name, false);

    private static string? TokenText(JsonNode node) => node.Kind switch
    {
        JsonValueKind.String => node.String(),
        JsonValueKind.Object => node.Required("content").String(),
        _ when node.IsNull => null,
        _ => throw node.Error($"{node.Path} is neither a string nor an object with \"content\""),
    };

    private static List<AddedToken> AddedTokensDecoder(JsonNode node)
    {
        if (node.IsNull)
        {
            return [];
        }

        if (node.Kind != JsonValueKind.Object)
        {
            throw node.Error($"{node.Path} is not an object of id: token");
        }

        var tokens = new List<AddedToken>();
        foreach (var property in node.Element.EnumerateObject())
        {
            var entry = node.Required(property.Name);
            if (!int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw entry.Error($"{entry.Path}: the key \"{property.Name}\" is not a token id");
            }

            tokens.Add(new AddedToken(
                id,
                entry.Required("content").String(),
                entry.Bool("single_word", false),
                entry.Bool("lstrip", false),
                entry.Bool("rstrip", false),
                entry.Bool("normalized", false),
                entry.Bool("special", false)));
        }

        return tokens;
    }
}
