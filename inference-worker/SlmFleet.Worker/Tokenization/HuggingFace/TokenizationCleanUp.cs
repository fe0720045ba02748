using System.Text;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// transformers' <c>clean_up_tokenization</c> (applied when tokenizer_config.json sets
/// <c>clean_up_tokenization_spaces</c>): removes the space English tokenizers of old left before
/// punctuation and contractions.
/// </summary>
internal static class TokenizationCleanUp
{
    private static readonly (string From, string To)[] Rules =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
        (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    public static string Apply(string text)
    {
        if (!text.Contains(' ', StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text);
        foreach (var (from, to) in Rules)
        {
            builder.Replace(from, to);
        }

        return builder.ToString();
    }
}
