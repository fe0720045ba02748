using SlmFleet.Worker.Engine;

namespace SlmFleet.Worker.Constraints;

/// <summary>
/// One constrained sampling step: mask, sample among the allowed tokens, and if that token would
/// leave too few tokens to complete the answer, resample among the tokens on a shortest completion.
/// Shared by the scheduler, the tests that drive it with random logits, and the benchmark.
/// </summary>
internal static class ConstrainedSampler
{
    /// <summary>
    /// Masks <paramref name="logits"/> in place and samples. Returns the token, or -1 when the
    /// constraint allows no token (or every allowed token has -inf logits).
    /// </summary>
    /// <param name="sampler">The row's sampler (temperature, top-k and top-p apply among allowed tokens).</param>
    /// <param name="matcher">The row's constraint position (not advanced here).</param>
    /// <param name="logits">This step's logits for the row; overwritten.</param>
    /// <param name="tokensAfter">How many tokens the row may still generate after this one.</param>
    /// <param name="eosIds">End-of-sequence ids, allowed once the answer is complete.</param>
    /// <param name="time">Clock for <paramref name="maskSeconds"/>.</param>
    /// <param name="maskSeconds">Time spent computing and applying the mask.</param>
    public static int Next(TokenSampler sampler, ConstraintMatcher matcher, Span<float> logits, int tokensAfter, ReadOnlySpan<int> eosIds, TimeProvider time, out double maskSeconds)
    {
        var started = time.GetTimestamp();
        var any = matcher.Mask(logits, eosIds);
        maskSeconds = time.GetElapsedTime(started).TotalSeconds;
        if (!any)
        {
            return -1;
        }

        try
        {
            var (token, _) = sampler.Next(logits);
            if (!eosIds.Contains(token) && (!matcher.Accepts(token, out var distance) || distance > tokensAfter) && matcher.Restrict(logits, tokensAfter, eosIds))
            {
                (token, _) = sampler.Next(logits);
            }

            return token;
        }
        catch (ArgumentException)
        {
            return -1;
        }
    }
}
