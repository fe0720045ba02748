using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SlmFleet.Api.Calibration;
using SlmFleet.Testing;

namespace SlmFleet.Bench.Router;

/// <summary>
/// <c>dotnet run -c Release --project bench/SlmFleet.Bench.Router -- calibration</c>: a deterministic
/// simulation of threshold calibration. Each task has a known curve from the SLM's confidence to the
/// probability that its answer agrees with the LLM's, and its own confidence distribution. A month of
/// traffic is shadowed at 10 % to calibrate (the router's buckets, the operator's Wilson rule); the
/// recommended threshold is then judged on a second, held-out month against the fixed 0.85 and against
/// the oracle (the lowest threshold whose true agreement meets the target). Writes
/// bench/results/calibration.json and .md.
/// </summary>
internal static class CalibrationSimulation
{
    private const int RequestsPerTask = 100_000;
    private const double ShadowRate = 0.10;
    private const double Target = 0.95;
    private const int MinSamples = 200;
    private const double FixedThreshold = 0.85;
    private const double LlmCostPerRequestUsd = 0.0045;   // ~1,000 prompt + 200 completion tokens at $2.50 / $10 per million

    private sealed record TaskModel(string Name, Func<double, double> Agreement, Func<Random, double> Confidence);

    private static readonly TaskModel[] Tasks =
    [
        // A classifier whose agreement climbs steeply past 0.6: 0.85 is stricter than it needs to be.
        new("classification", c => 0.6 + (0.4 / (1 + Math.Exp(-15 * (c - 0.6)))), r => Beta(r, 6, 2)),
        // Over-confident extraction: agreement lags confidence, so 0.85 keeps answers that miss the target.
        new("extraction", c => 1 / (1 + Math.Exp(-25 * (c - 0.80))), r => Beta(r, 8, 1.5)),
        // Under-confident FAQ answers: agreement is high even at middling confidence, so 0.85 escalates too much.
        new("faq", c => Math.Clamp(0.75 + (0.25 * Math.Sqrt(c)), 0, 1), r => Beta(r, 3, 3)),
    ];

    public static int Run()
    {
        var random = new Random(20261205);
        var rows = new List<JsonObject>();
        var md = new StringBuilder();
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        md.AppendLine(CultureInfo.InvariantCulture, $"### Threshold calibration, simulated ({date}; deterministic, seed 20261205)").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{RequestsPerTask:N0} requests per task per month; {ShadowRate:P0} shadowed in the calibration month; target agreement {Target:0.00} (Wilson 95 % lower bound), at least {MinSamples} samples; the held-out month judges each threshold by the true agreement of the answers the SLM keeps. LLM spend at ${LlmCostPerRequestUsd} per escalated request.").AppendLine();
        md.AppendLine("| task | policy | threshold | SLM share | agreement (held-out) | meets target | LLM spend / month |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        var allMeet = true;
        foreach (var task in Tasks)
        {
            long[] agreed = new long[ThresholdCalibration.Buckets], disagreed = new long[ThresholdCalibration.Buckets];
            for (var i = 0; i < RequestsPerTask; i++)
            {
                var confidence = task.Confidence(random);
                if (random.NextDouble() < ShadowRate)
                {
                    var agrees = random.NextDouble() < task.Agreement(confidence);
                    (agrees ? agreed : disagreed)[ThresholdCalibration.BucketOf(confidence)]++;
                }
            }

            var (recommended, _) = ThresholdCalibration.Recommend(ThresholdCalibration.Table(agreed, disagreed), Target, MinSamples);
            var heldOut = Enumerable.Range(0, RequestsPerTask).Select(_ => task.Confidence(random)).ToArray();
            var oracle = Oracle(task, heldOut);
            foreach (var (policy, threshold) in new (string, double?)[] { ("fixed 0.85", FixedThreshold), ("calibrated", recommended), ("oracle", oracle) })
            {
                var t = threshold ?? 1.0;
                var (share, agreement) = Evaluate(task, heldOut, t);
                var spend = (1 - share) * RequestsPerTask * LlmCostPerRequestUsd;
                var meets = agreement >= Target;
                allMeet &= policy != "calibrated" || meets;
                md.AppendLine(CultureInfo.InvariantCulture, $"| {task.Name} | {policy} | {t:0.00} | {share:P1} | {agreement:0.0000} | {(meets ? "yes" : "no")} | ${spend:N2} |");
                rows.Add(new JsonObject
                {
                    ["task"] = task.Name,
                    ["policy"] = policy,
                    ["threshold"] = Math.Round(t, 4),
                    ["slm_share"] = Math.Round(share, 4),
                    ["held_out_agreement"] = Math.Round(agreement, 4),
                    ["meets_target"] = meets,
                    ["llm_spend_usd"] = Math.Round(spend, 2),
                });
            }
        }

        md.AppendLine().AppendLine(allMeet
            ? "Every task's calibrated threshold meets the target on held-out traffic."
            : "**A calibrated threshold missed the target on held-out traffic.**");
        var json = new JsonObject
        {
            ["date"] = date,
            ["seed"] = 20261205,
            ["requests_per_task"] = RequestsPerTask,
            ["shadow_rate"] = ShadowRate,
            ["target_agreement"] = Target,
            ["min_samples"] = MinSamples,
            ["all_calibrated_meet_target"] = allMeet,
            ["rows"] = new JsonArray([.. rows]),
        };
        var results = Path.Combine(TestPaths.RepositoryRoot, "bench", "results");
        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "calibration.json"), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.WriteAllText(Path.Combine(results, "calibration.md"), md.ToString());
        Console.WriteLine(md.ToString());
        return allMeet ? 0 : 1;
    }

    /// <summary>The share the SLM keeps at threshold <paramref name="t"/> and the true (expected) agreement of what it keeps.</summary>
    private static (double Share, double Agreement) Evaluate(TaskModel task, double[] confidences, double t)
    {
        var kept = confidences.Where(c => c >= t).ToArray();
        return kept.Length == 0 ? (0, 1) : ((double)kept.Length / confidences.Length, kept.Average(task.Agreement));
    }

    /// <summary>The lowest bucket edge whose true agreement on this traffic meets the target.</summary>
    private static double? Oracle(TaskModel task, double[] confidences)
    {
        for (var bucket = 0; bucket < ThresholdCalibration.Buckets; bucket++)
        {
            var t = ThresholdCalibration.LowerEdge(bucket);
            var (share, agreement) = Evaluate(task, confidences, t);
            if (share > 0 && agreement >= Target)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>A Beta(a, b) draw from two Gamma draws (Marsaglia and Tsang; a, b ≥ 1 here).</summary>
    private static double Beta(Random random, double a, double b)
    {
        var x = Gamma(random, a);
        return x / (x + Gamma(random, b));
    }

    private static double Gamma(Random random, double shape)
    {
        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = random.NextDouble();
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
