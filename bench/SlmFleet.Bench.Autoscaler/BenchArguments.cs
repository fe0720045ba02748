using System.Globalization;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>Optional command-line overrides: <c>--seed N</c> and <c>--service-rate R</c> (requests/s per replica).</summary>
internal sealed record BenchArguments(int Seed, double? ServiceRate)
{
    public const int DefaultSeed = 20261122;

    /// <summary>Parses the arguments; null and a message naming the bad argument when they are invalid.</summary>
    public static BenchArguments? Parse(string[] args, out string? error)
    {
        var seed = DefaultSeed;
        double? rate = null;
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--seed" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s):
                    seed = s;
                    i++;
                    break;
                case "--service-rate" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 && double.IsFinite(r):
                    rate = r;
                    i++;
                    break;
                default:
                    error = $"argument '{args[i]}' {(value is null ? string.Empty : $"with value '{value}' ")}is not accepted; use --seed <integer> and/or --service-rate <requests/s per replica, > 0>";
                    return null;
            }
        }

        return new BenchArguments(seed, rate);
    }
}
