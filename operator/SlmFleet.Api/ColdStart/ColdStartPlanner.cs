using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Api.ColdStart;

/// <summary>What a router does with one request that finds its SlmDeployment at zero ready replicas.</summary>
public enum ColdStartAction
{
    /// <summary>Hold the request until a replica is ready, at most <see cref="ColdStartChoice.MaxHold"/>; then escalate.</summary>
    Hold,

    /// <summary>Send it to the LLM now.</summary>
    Escalate,
}

/// <summary>The choice for one request and why (<see cref="ColdStartPlanner"/> causes: the metric label and log word).</summary>
public readonly record struct ColdStartChoice(ColdStartAction Action, string Cause, TimeSpan MaxHold);

/// <summary>
/// The wait-or-escalate rule of a cold start, shared by the router and the fleet simulator so the
/// benchmark measures the rule that serves traffic. Pure: the caller passes the clock readings in.
/// <code>
///   queue full ───────────────────────► escalate (queue_full); with no LLM to go to, fail now
///   cannot escalate (no LLM budget) ──► hold up to the objective
///   objective 0 ──────────────────────► escalate (no_wait)
///   predicted warm-up − time cold
///        > objective ─────────────────► escalate (predicted_late)
///   otherwise (or nothing measured) ──► hold up to the objective (hold)
/// </code>
/// A held request that is still waiting at the objective escalates then (cause <c>wait_expired</c>), so
/// no request waits longer than the objective for a replica.
/// </summary>
public static class ColdStartPlanner
{
    /// <summary>Held: a replica is predicted ready within the objective (or nothing was measured yet).</summary>
    public const string Hold = "hold";

    /// <summary>Escalated at once: the policy's objective is 0.</summary>
    public const string NoWait = "no_wait";

    /// <summary>Escalated at once: this router already holds <c>maxQueued</c> requests for the deployment.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>Escalated at once: the predicted ready time is beyond the objective.</summary>
    public const string PredictedLate = "predicted_late";

    /// <summary>Escalated after being held for the whole objective without a replica becoming ready.</summary>
    public const string WaitExpired = "wait_expired";

    /// <param name="spec">The policy's cold-start settings.</param>
    /// <param name="predictedWarmUpSeconds">The operator's prediction (<c>status.warmUp.predictedSeconds</c>); null when nothing was measured yet.</param>
    /// <param name="coldFor">How long the fleet has been starting: since this router first saw it cold.</param>
    /// <param name="queued">Requests this router already holds for the deployment.</param>
    /// <param name="canEscalate">False when the LLM may not be called (budget exhausted with <c>whenExhausted: slm-only</c>).</param>
    public static ColdStartChoice Decide(ColdStartSpec spec, double? predictedWarmUpSeconds, TimeSpan coldFor, int queued, bool canEscalate)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var objective = TimeSpan.FromMilliseconds(spec.MaxWaitMilliseconds);
        if (queued >= spec.MaxQueued)
        {
            return new ColdStartChoice(ColdStartAction.Escalate, QueueFull, TimeSpan.Zero);
        }

        if (!canEscalate)
        {
            return new ColdStartChoice(ColdStartAction.Hold, Hold, objective);
        }

        if (objective <= TimeSpan.Zero)
        {
            return new ColdStartChoice(ColdStartAction.Escalate, NoWait, TimeSpan.Zero);
        }

        if (predictedWarmUpSeconds is { } predicted && TimeSpan.FromSeconds(predicted) - coldFor > objective)
        {
            return new ColdStartChoice(ColdStartAction.Escalate, PredictedLate, TimeSpan.Zero);
        }

        return new ColdStartChoice(ColdStartAction.Hold, Hold, objective);
    }

    /// <summary>
    /// The prediction the operator publishes: the 90th percentile (nearest rank) of the recent warm-ups, so
    /// one fast start does not make routers hold requests the next slow one would keep past their objective.
    /// </summary>
    public static double? Predict(IReadOnlyList<double>? recentSeconds)
    {
        if (recentSeconds is not { Count: > 0 })
        {
            return null;
        }

        var sorted = recentSeconds.Order().ToArray();
        var rank = (int)Math.Ceiling(0.9 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
