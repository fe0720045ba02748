using System.Globalization;
using SlmFleet.Demo.Policies;

namespace SlmFleet.Demo.Workload;

/// <summary>
/// The figures printed after the workload, computed from the client's view only (headers and usage).
/// They are defined as the router defines its metrics — requests by route and reason, escalations
/// (the SLM was tried and not trusted, or could not answer) apart from rule and capability routes,
/// LLM spend, and the SLM's tokens priced at the LLM's rates — so a test can hold them against
/// <c>slm_router_*</c> and catch either side drifting.
/// </summary>
internal sealed record DemoSummary(IReadOnlyList<RequestResult> Results)
{
    /// <summary>Reasons the router counts in slm_router_escalations_total when the LLM answers.</summary>
    public static readonly IReadOnlySet<string> EscalationReasons = new HashSet<string>(StringComparer.Ordinal) { "low_confidence", "schema_fail", "timeout", "unavailable" };

    public int Requests => Results.Count;

    public int SlmAnswers => Results.Count(r => r.Answered && r.Route == "slm");

    public int LlmAnswers => Results.Count(r => r.Answered && r.Route == "llm");

    public int Failed => Results.Count(r => !r.Answered);

    public double SlmShare => Requests == 0 ? 0 : (double)SlmAnswers / Requests;

    /// <summary>Answers by (route, reason), as slm_router_requests_total{route,reason} counts them.</summary>
    public IReadOnlyDictionary<(string Route, string Reason), int> ByRouteReason =>
        Results.GroupBy(r => (r.Route, r.Reason)).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>LLM answers after the SLM was tried and not trusted (or could not answer), by reason.</summary>
    public IReadOnlyDictionary<string, int> Escalations =>
        Results.Where(r => r.Answered && r.Route == "llm" && EscalationReasons.Contains(r.Reason)).GroupBy(r => r.Reason).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>LLM answers a rule sent there, by rule name.</summary>
    public IReadOnlyDictionary<string, int> RuleRoutes =>
        Results.Where(r => r.Answered && r.Route == "llm" && r.Reason == "rule").GroupBy(r => r.Rule ?? "?").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>LLM answers to requests the SLM cannot serve, by the feature named in x-slmfleet-unsupported.</summary>
    public IReadOnlyDictionary<string, int> UnsupportedRoutes =>
        Results.Where(r => r.Answered && r.Route == "llm" && r.Reason == "unsupported").GroupBy(r => r.Unsupported ?? "?").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public (long Prompt, long Completion) Tokens(string route) =>
        (Results.Where(r => r.Answered && r.Route == route).Sum(r => (long)r.PromptTokens), Results.Where(r => r.Answered && r.Route == route).Sum(r => (long)r.CompletionTokens));

    /// <summary>What the LLM charged for the answers it gave.</summary>
    public double SpendUsd => Results.Sum(r => r.LlmCostUsd);

    /// <summary>What every answer would have cost had the LLM given it (the SLM's answers priced by their own usage).</summary>
    public double LlmOnlyUsd => Results.Sum(r => r.LlmOnlyCostUsd);

    /// <summary>The SLM's tokens at the LLM's prices (the router's slm_router_savings_usd_total).</summary>
    public double SavedUsd => Results.Where(r => r.Answered && r.Route == "slm").Sum(r => r.LlmOnlyCostUsd);

    public void Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine($"Summary: {Requests} requests to \"{DemoPolicy.Alias}\" (threshold {DemoPolicy.ConfidenceThreshold.ToString("0.00", inv)}; LLM priced at ${DemoPolicy.InputPricePerMillion.ToString("0.00", inv)} / ${DemoPolicy.OutputPricePerMillion.ToString("0.00", inv)} per million input / output tokens)");
        output.WriteLine($"  answered by the SLM     {SlmAnswers,4}   {SlmShare.ToString("P0", inv)} of requests");
        output.WriteLine($"  answered by the LLM     {LlmAnswers,4}");
        output.WriteLine($"    escalated             {Escalations.Values.Sum(),4}   {Join(Escalations)}");
        output.WriteLine($"    sent by a rule        {RuleRoutes.Values.Sum(),4}   {Join(RuleRoutes)}");
        output.WriteLine($"    SLM cannot serve      {UnsupportedRoutes.Values.Sum(),4}   {Join(UnsupportedRoutes)}");
        if (Failed > 0)
        {
            output.WriteLine($"  failed                  {Failed,4}   {string.Join(", ", Results.Where(r => !r.Answered).Select(r => $"{r.Title}: {r.Status} {r.Error}"))}");
        }

        var saved = LlmOnlyUsd == 0 ? 0 : SavedUsd / LlmOnlyUsd;
        output.WriteLine($"  LLM spend               {ResultTable.Usd(SpendUsd)}");
        output.WriteLine($"  LLM-only baseline       {ResultTable.Usd(LlmOnlyUsd)}   (every request answered by the LLM at the same prices)");
        output.WriteLine($"  saved                   {ResultTable.Usd(SavedUsd)}   {saved.ToString("P0", inv)} of the LLM-only bill");
        if (Requests > 0)
        {
            const double Month = 1_000_000;
            output.WriteLine($"  at 1M requests a month of this mix: {ResultTable.Usd(SpendUsd / Requests * Month)} on the LLM instead of {ResultTable.Usd(LlmOnlyUsd / Requests * Month)} (plus the SLM's own GPU or CPU hours)");
        }
    }

    private static string Join(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "-" : string.Join(", ", counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
}
