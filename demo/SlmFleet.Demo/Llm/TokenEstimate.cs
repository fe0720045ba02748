using System.Text;

namespace SlmFleet.Demo.Llm;

/// <summary>
/// Token counts the stand-in reports as usage: UTF-8 bytes / 4 (about right for English with GPT-4o's
/// tokenizer, and the same estimate the router's prompt-length rules use) plus 4 per message for the
/// chat framing. The router prices escalations from these numbers, so they decide the demo's spend.
/// </summary>
internal static class TokenEstimate
{
    private const int PerMessage = 4;

    public static int Of(string? text) => string.IsNullOrEmpty(text) ? 0 : Math.Max(1, (Encoding.UTF8.GetByteCount(text) + 3) / 4);

    public static int Prompt(IReadOnlyList<string> messages) => messages.Sum(m => Of(m) + PerMessage);
}
