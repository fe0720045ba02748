namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// What an escalated request costs: GPT-4o's output price as in examples/routingpolicy-gpt4o-fallback.yaml
/// ($10 per million output tokens) times the simulator's tokens per request. The simulator models no
/// prompts, so input tokens ($2.50 per million there) are not priced: the spend is a lower bound.
/// </summary>
internal static class LlmPrice
{
    public const double OutputUsdPerMillionTokens = 10.00;

    public const string Source = "GPT-4o output price, examples/routingpolicy-gpt4o-fallback.yaml";

    public static double PerRequestUsd => ServiceRate.AssumedTokensPerRequest * OutputUsdPerMillionTokens / 1e6;
}
