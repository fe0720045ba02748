using System.Text;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>NFC / NFD / NFKC / NFKD (Qwen 2.5/3 and Gemma ship NFC).</summary>
internal sealed class UnicodeFormNormalizer(NormalizationForm form) : INormalizer
{
    public string Normalize(string text) => IsAscii(text) ? text : text.Normalize(form);

    // Most prompt text is ASCII, which every normalization form leaves as it is.
    private static bool IsAscii(string text) => Ascii.IsValid(text);
}
