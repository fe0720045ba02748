using System.Globalization;
using System.Text;

namespace SlmFleet.Demo.Workload;

/// <summary>The per-request table, one fixed-width row per answer, written as soon as the answer is in.</summary>
internal sealed class ResultTable(TextWriter output, bool color)
{
    private static readonly CompositeFormat Format = CompositeFormat.Parse("{0,3}  {1,-34} {2,-5} {3,-26} {4,6} {5,9} {6,13} {7,10} {8,10}");

    public void WriteHeader()
    {
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, Format, "#", "request", "route", "why", "conf.", "latency", "tokens in/out", "LLM cost", "LLM-only"));
        output.WriteLine(new string('-', 131));
    }

    public void WriteRow(int number, RequestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var title = result.Title.Length <= 34 ? result.Title : result.Title[..31] + "...";
        var why = result.Error is null ? result.Why : $"{result.Why} ({result.Status} {result.Error})";
        var latency = result.FirstToken is { } first
            ? $"{Millis(result.Latency)}*"
            : Millis(result.Latency);
        var row = string.Format(
            CultureInfo.InvariantCulture,
            Format,
            number,
            title,
            result.Route,
            why.Length <= 26 ? why : why[..23] + "...",
            result.Confidence?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-",
            latency,
            $"{result.PromptTokens}/{result.CompletionTokens}",
            result.Route == "llm" ? Usd(result.LlmCostUsd) : "-",
            Usd(result.LlmOnlyCostUsd));
        output.WriteLine(color ? Paint(row, result.Route) : row);
        if (result.FirstToken is { } ttft)
        {
            output.WriteLine($"{string.Empty,42}* streamed: first token after {Millis(ttft)}, the rest as it was generated");
        }

        output.Flush();
    }

    /// <summary>Dollars with enough digits for one request (fractions of a cent).</summary>
    public static string Usd(double usd) => "$" + usd.ToString(usd >= 1 ? "N2" : "0.000000", CultureInfo.InvariantCulture);

    private static string Millis(TimeSpan time) => time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Paint(string row, string route) => route switch
    {
        "slm" => "\u001b[32m" + row + "\u001b[0m",
        "llm" => "\u001b[33m" + row + "\u001b[0m",
        _ => "\u001b[31m" + row + "\u001b[0m",
    };
}
