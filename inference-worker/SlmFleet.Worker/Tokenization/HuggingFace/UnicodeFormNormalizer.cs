using System.Text;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>NFC / NFD / NFKC / NFKD (Qwen 2.5/3 and Gemma ship NFC).</summary>
internal sealed class UnicodeFormNormalizer(NormalizationForm form) : INormalizer
{
    /// <summary>
    /// False where .NET runs without ICU (globalization-invariant mode, or no libicu): String.Normalize
    /// then returns non-ASCII text unchanged instead of failing, which would silently change ids.
    /// </summary>
    public static bool IsAvailable { get; } = "e\u0301".Normalize(NormalizationForm.FormC) == "\u00E9";

    // Most prompt text is ASCII, which every normalization form leaves as it is.
    public string Normalize(string text)
    {
        if (Ascii.IsValid(text))
        {
            return text;
        }

        try
        {
            return text.Normalize(form);
        }
        catch (ArgumentException)
        {
            // A lone surrogate (not valid UTF-16) makes Normalize throw; UTF-8 would carry it as U+FFFD anyway.
            return ReplaceLoneSurrogates(text).Normalize(form);
        }
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }
}
