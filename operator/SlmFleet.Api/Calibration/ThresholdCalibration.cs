using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Api.Calibration;

/// <summary>
/// Turns shadow counts (SLM confidence bucket × whether the LLM agreed) into a calibration table and a
/// recommended threshold. Shared by the operator (fleet-wide, from every router's counters) and the
/// router (its own counters, when no operator publishes a calibration). Pure functions.
/// </summary>
/// <remarks>
/// Confidence is bucketed in steps of <see cref="Step"/>; the candidate thresholds are the bucket
/// edges. Keeping a request at threshold t means every bucket at or above t; its agreement is the
/// agreed share of those samples, and the recommendation asks the 95 % Wilson score lower bound of
/// that share (not the share itself) to meet the target, so a handful of lucky samples never lowers
/// the threshold.
/// </remarks>
public static class ThresholdCalibration
{
    /// <summary>Confidence buckets the router counts in (label values 0.00 … 0.95).</summary>
    public const int Buckets = 20;

    /// <summary>The width of a bucket, and so the resolution of a recommended threshold.</summary>
    public const double Step = 1.0 / Buckets;
    private const double Z95 = 1.959963984540054;

    /// <summary>The bucket of a confidence in [0, 1]: [0, 0.05) is 0, …, [0.95, 1] is 19.</summary>
    public static int BucketOf(double confidence) =>
        double.IsNaN(confidence) ? 0 : Math.Clamp((int)Math.Floor(confidence * Buckets), 0, Buckets - 1);

    /// <summary>The bucket's lower edge, as the router labels it (<c>0.00</c> … <c>0.95</c>).</summary>
    public static double LowerEdge(int bucket) => Math.Round(bucket * Step, 2);

    /// <summary>The 95 % Wilson score interval's lower bound for <paramref name="successes"/> of <paramref name="trials"/>.</summary>
    public static double WilsonLowerBound(long successes, long trials)
    {
        if (trials <= 0)
        {
            return 0;
        }

        var n = (double)trials;
        var p = successes / n;
        var z2 = Z95 * Z95;
        var centre = p + (z2 / (2 * n));
        var margin = Z95 * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        return Math.Max(0, (centre - margin) / (1 + (z2 / n)));
    }

    /// <summary>The 95 % Wilson score interval's upper bound: the most the true share can plausibly be.</summary>
    public static double WilsonUpperBound(long successes, long trials) =>
        trials <= 0 ? 1 : 1 - WilsonLowerBound(trials - successes, trials);

    /// <summary>One row per candidate threshold (bucket edge), lowest first.</summary>
    /// <param name="agreed">Agreeing samples per bucket (length <see cref="Buckets"/>).</param>
    /// <param name="disagreed">Disagreeing samples per bucket.</param>
    public static List<CalibrationRow> Table(IReadOnlyList<long> agreed, IReadOnlyList<long> disagreed)
    {
        ArgumentNullException.ThrowIfNull(agreed);
        ArgumentNullException.ThrowIfNull(disagreed);
        var total = agreed.Sum() + disagreed.Sum();
        var rows = new List<CalibrationRow>(Buckets);
        long keptAgreed = 0, kept = 0;
        var reversed = new List<CalibrationRow>(Buckets);
        for (var bucket = Buckets - 1; bucket >= 0; bucket--)
        {
            keptAgreed += agreed[bucket];
            kept += agreed[bucket] + disagreed[bucket];
            reversed.Add(new CalibrationRow
            {
                Threshold = LowerEdge(bucket),
                Samples = kept,
                KeptShare = total == 0 ? 0 : Math.Round((double)kept / total, 4),
                Agreement = kept == 0 ? 0 : Math.Round((double)keptAgreed / kept, 4),
                AgreementLowerBound = Math.Round(WilsonLowerBound(keptAgreed, kept), 4),
            });
        }

        for (var i = reversed.Count - 1; i >= 0; i--)
        {
            rows.Add(reversed[i]);
        }

        return rows;
    }

    /// <summary>
    /// The lowest threshold whose agreement lower bound meets <paramref name="targetAgreement"/> with at
    /// least <paramref name="minSamples"/> kept samples, or null (with the reason) when none does.
    /// </summary>
    public static (double? Threshold, string Message) Recommend(IReadOnlyList<CalibrationRow> table, double targetAgreement, int minSamples)
    {
        ArgumentNullException.ThrowIfNull(table);
        var total = table.Count == 0 ? 0 : table[0].Samples;
        if (total < minSamples)
        {
            return (null, $"{total} shadowed samples; at least {minSamples} are needed before a threshold is recommended");
        }

        foreach (var row in table)
        {
            if (row.Samples >= minSamples && row.AgreementLowerBound >= targetAgreement)
            {
                return (row.Threshold, $"lowest threshold whose agreement lower bound ({row.AgreementLowerBound:0.####}) meets the target {targetAgreement:0.###}: keeps {row.KeptShare:P1} of {total} samples at {row.Agreement:P1} agreement");
            }
        }

        var best = table.Where(r => r.Samples >= minSamples).MaxBy(r => r.AgreementLowerBound);
        return (null, best is null
            ? $"no threshold keeps {minSamples} samples"
            : $"no threshold meets the target {targetAgreement:0.###} with {minSamples} samples; the best lower bound is {best.AgreementLowerBound:0.####} at {best.Threshold:0.00}");
    }

    /// <summary>
    /// With <c>mode: auto</c>: the threshold to apply given the last applied one. The recommendation is
    /// clamped to the bounds and applied only when it moves by at least the hysteresis; with no
    /// recommendation the last applied (or the configured) threshold stays.
    /// </summary>
    public static double Apply(double? recommended, double? lastApplied, double configured, CalibrationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var current = lastApplied ?? configured;
        if (recommended is not { } target)
        {
            return current;
        }

        target = Math.Clamp(target, spec.MinThreshold, spec.MaxThreshold);
        return Math.Abs(target - current) >= spec.Hysteresis - 1e-9 ? target : current;
    }

    /// <summary>
    /// The budget curve at <paramref name="spentFraction"/>: interpolated between points, flat after the
    /// last, null before the first (the curve does not apply yet).
    /// </summary>
    public static double? CurveAt(IReadOnlyList<ThresholdCurvePoint>? curve, double spentFraction)
    {
        if (curve is not { Count: > 0 } || spentFraction < curve[0].SpentFraction)
        {
            return null;
        }

        for (var i = 1; i < curve.Count; i++)
        {
            var (from, to) = (curve[i - 1], curve[i]);
            if (spentFraction < to.SpentFraction)
            {
                var span = to.SpentFraction - from.SpentFraction;
                var t = span <= 0 ? 1 : (spentFraction - from.SpentFraction) / span;
                return from.Threshold + (t * (to.Threshold - from.Threshold));
            }
        }

        return curve[^1].Threshold;
    }

    /// <summary>
    /// The threshold in force: the base (configured or calibrated) lowered by the budget curve at the
    /// month's spend, never below the floor (and never raised by the curve).
    /// </summary>
    public static double Effective(double baseThreshold, BudgetSpec? budget, double spentFraction)
    {
        if (budget is null || CurveAt(budget.ThresholdCurve, spentFraction) is not { } curve)
        {
            return baseThreshold;
        }

        return Math.Min(baseThreshold, Math.Max(curve, budget.ThresholdFloor));
    }
}
