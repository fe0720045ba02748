using System.Text;

namespace SlmFleet.Testing;

/// <summary>
/// Strings that tokenizers get wrong: whitespace runs, leading and trailing spaces, newlines and tabs,
/// accents precomposed and combining (NFC), CJK, emoji with ZWJ sequences, flags and skin tones, code,
/// numbers, mixed scripts, characters outside the BMP and outside most vocabularies, the empty string,
/// and the model's own special tokens around and inside words. A fixed part plus seeded random
/// combinations of the same fragments, so every run sees the same corpus. Two characters are left out
/// on purpose: U+0085 and U+FEFF, where JavaScript's \s (transformers.js) and Unicode White_Space
/// (Hugging Face, .NET) disagree.
/// </summary>
public static class TokenizerCorpus
{
    private static readonly string[] Fixed =
    [
        "", " ", "  ", "   ", "\n", "\n\n", "\n\n\n", "\t", "\t\t", " \n ", "\r\n", " \t\n",
        "Hello world", "Hello  world", "Hello   world", " Hello world", "  Hello world", "Hello world ", "Hello world  ",
        "hello\nworld", "hello\n\nworld", "hello \n world", "hello\tworld", "\thello", "hello\t", "a b c d e f g",
        "é", "café", "cafe\u0301", "naïve résumé", "Å", "\u212B", "A\u030A", "ﬁne", "ẞ", "Ölçü", "Ærøskøbing", "Zürich Straße",
        "日本語のテキスト", "中文测试，标点。", "한국어 문장입니다", "Привет, мир!", "مرحبا بالعالم", "שלום עולם", "हिन्दी भाषा", "ภาษาไทย", "Ελληνικά",
        "😀", "😀😀😀", "👩‍👩‍👧", "👨‍💻 coding", "🇯🇵🇫🇷", "👍🏽", "1️⃣", "❤️", "🫠", "😀abc", "abc😀", "x😀y",
        "𠀀𠀁", "𓀀 hieroglyph", "𝟏𝟐𝟑𝟒𝟓𝟔𝟕", "12𝟑45", "x𝔘y 𝔘𝔫", "a𠀀b", "ab😀cd", " 😀abc", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ꙮ", "\u0378", "\uE000", "\u200B", "a\u200Db", "\u00A0", "a\u00A0b", "\u3000全角",
        "def f(x):\n    return x ** 2\n", "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}", "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}",
        "SELECT * FROM users WHERE id = 42;", "<div class=\"x\">text</div>", "#include <stdio.h>\nint main() { return 0; }",
        "    indented four", "        indented eight", "x = [i for i in range(10) if i % 2]", "fn main() -> Result<(), Error> {}",
        "1234567890", "3.14159", "1,000,000", "-42", "2026-12-05", "0x1F600", "1e-9", "99.9%", "$1,234.56", "12:30:45",
        "abc123def", "ABC", "CamelCaseIdentifier", "snake_case_name", "don't", "I'M", "you'll", "it's", "we've", "they're", "'s",
        "https://example.com/path?query=1&x=y", "user@example.com", "**bold** and _italic_", "- item one\n- item two",
        "∑ x² ≤ ∞", "α + β = γ", "→ ← ↑ ↓", "…", "—", "« guillemets »", "“quotes”", "‘single’",
        "Mixed English 日本語 and Русский in one line", "tab\tseparated\tvalues", "trailing newline\n", "\nleading newline",
        "...", "!!!", "???", "-----", "=====", "a.b.c", "(parenthesized)", "[bracketed]", "<angle>", "a/b\\c",
    ];

    private static readonly string[] Fragments =
    [
        "the", "The", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "model", "token", "Hello", "world",
        "café", "naïve", "über", "señor", "e\u0301", "o\u0308", "日本", "語", "中文", "한국", "Москва", "عربي", "ελληνικά",
        "😀", "👩‍👩‍👧", "🇯🇵", "👍🏽", "🚀", "✨", "𠀀", "𝔘",
        "123", "4567", "3.14", "2026", "0", "42%", "$5",
        ".", ",", "!", "?", ";", ":", "'", "\"", "(", ")", "{", "}", "[", "]", "<", ">", "/", "\\", "-", "_", "=", "+", "*", "#", "@", "&",
        "'s", "n't", "'ll", "'re",
        " ", " ", " ", "  ", "   ", "    ", "\t", "\n", "\n\n", " \n", "\r\n", "\u00A0", "\u3000",
        "def", "return", "if", "else", "=>", "->", "::", "()", "{}", "//", "/*", "*/",
        "\u0378", "\uE000", "ꙮ", "\u200B",
    ];

    /// <summary>The fixed strings and seeded combinations: at least <paramref name="count"/> strings.</summary>
    /// <param name="seed">Seeds the random combinations.</param>
    /// <param name="count">The least number of strings.</param>
    /// <param name="specialTokens">The tokenizer's special tokens; some strings put them around and inside words.</param>
    public static IReadOnlyList<string> Build(int seed, IReadOnlyList<string> specialTokens, int count = 520)
    {
        var random = new Random(seed);
        var corpus = new List<string>(Fixed);
        foreach (var special in specialTokens.Take(8))
        {
            corpus.Add(special);
            corpus.Add($"{special}Hello");
            corpus.Add($"Hello {special} world");
            corpus.Add($" {special} ");
            corpus.Add($"ab{special}cd");
            corpus.Add($"{special}\n{special}");
        }

        while (corpus.Count < count)
        {
            var builder = new StringBuilder();
            var parts = random.Next(1, 14);
            for (var i = 0; i < parts; i++)
            {
                if (specialTokens.Count > 0 && random.Next(12) == 0)
                {
                    builder.Append(specialTokens[random.Next(specialTokens.Count)]);
                }
                else
                {
                    builder.Append(Fragments[random.Next(Fragments.Length)]);
                }
            }

            corpus.Add(builder.ToString());
        }

        return corpus;
    }
}
