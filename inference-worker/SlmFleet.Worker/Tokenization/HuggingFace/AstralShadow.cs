using System.Globalization;
using System.Text;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// .NET regexes match UTF-16 code units, so a character outside the BMP (an emoji, a CJK Extension B
/// ideograph) is two surrogates to them, not one \p{So} or \p{L} character as it is to Oniguruma (Hugging
/// Face) and to JavaScript's /u regexes (transformers.js). Patterns only ask about categories, so the
/// text is matched in a "shadow" where each such character is one BMP stand-in of the same Unicode
/// category, and match offsets are mapped back. "😀abc" is then one piece, as in Hugging Face, instead of
/// "😀" + "abc".
/// </summary>
internal static class AstralShadow
{
    // One BMP character per general category, none of which a real tokenizer pattern names literally.
    private static readonly char[] StandIns = BuildStandIns();

    public static bool Needed(string text)
    {
        foreach (var c in text)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The shadow text and, for each shadow index (plus the end), the original index.</summary>
    public static (string Shadow, int[] OriginalIndex) Build(string text)
    {
        var shadow = new StringBuilder(text.Length);
        var map = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            map.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]));
                shadow.Append(StandIns[(int)category]);
                i++;
            }
            else
            {
                shadow.Append(text[i]);
            }
        }

        map.Add(text.Length);
        return (shadow.ToString(), [.. map]);
    }

    private static char[] BuildStandIns()
    {
        var standIns = new char[Enum.GetValues<UnicodeCategory>().Length];
        (UnicodeCategory Category, char StandIn)[] table =
        [
            (UnicodeCategory.UppercaseLetter, '\u2C6F'), (UnicodeCategory.LowercaseLetter, '\u0250'),
            (UnicodeCategory.TitlecaseLetter, '\u01C5'), (UnicodeCategory.ModifierLetter, '\u02B0'),
            (UnicodeCategory.OtherLetter, '\u01BB'), (UnicodeCategory.NonSpacingMark, '\u0300'),
            (UnicodeCategory.SpacingCombiningMark, '\u0903'), (UnicodeCategory.EnclosingMark, '\u20DD'),
            (UnicodeCategory.DecimalDigitNumber, '\u0660'), (UnicodeCategory.LetterNumber, '\u2160'),
            (UnicodeCategory.OtherNumber, '\u00B2'), (UnicodeCategory.SpaceSeparator, '\u2000'),
            (UnicodeCategory.LineSeparator, '\u2028'), (UnicodeCategory.ParagraphSeparator, '\u2029'),
            (UnicodeCategory.Control, '\u0001'), (UnicodeCategory.Format, '\u2060'),
            (UnicodeCategory.Surrogate, '\uD800'), (UnicodeCategory.PrivateUse, '\uE000'),
            (UnicodeCategory.ConnectorPunctuation, '\u203F'), (UnicodeCategory.DashPunctuation, '\u2010'),
            (UnicodeCategory.OpenPunctuation, '\u2045'), (UnicodeCategory.ClosePunctuation, '\u2046'),
            (UnicodeCategory.InitialQuotePunctuation, '\u2039'), (UnicodeCategory.FinalQuotePunctuation, '\u203A'),
            (UnicodeCategory.OtherPunctuation, '\u203C'), (UnicodeCategory.MathSymbol, '\u2140'),
            (UnicodeCategory.CurrencySymbol, '\u20A0'), (UnicodeCategory.ModifierSymbol, '\u02C2'),
            (UnicodeCategory.OtherSymbol, '\u2100'), (UnicodeCategory.OtherNotAssigned, '\u0378'),
        ];
        foreach (var (category, standIn) in table)
        {
            standIns[(int)category] = standIn;
        }

        return standIns;
    }
}
