using System.Globalization;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// Command line of the worker benchmark. <c>--quick</c> is a smoke run (few tokens, a handful of
/// trace requests, one repeat, the shared fixture model when there is one) that writes under .run/
/// so it never overwrites the published results.
/// </summary>
internal sealed record BenchOptions
{
    public const string DefaultPreset = "qwen2.5-0.5b";

    public bool Overload { get; init; }

    public bool Quick { get; init; }

    public string Preset { get; init; } = DefaultPreset;

    public string? ModelDirectory { get; init; }

    /// <summary>Weights seed of a generated model, and the seed of every prompt and of the trace.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>ONNX Runtime intra-op threads, the same on both sides.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Each decode and TTFT cell runs this many times per side, interleaved; the best run is kept.</summary>
    public int Repeats { get; init; } = 2;

    /// <summary>Tokens generated per sequence in a decode cell.</summary>
    public int DecodeTokens { get; init; } = 64;

    public int TraceRequests { get; init; } = 24;

    /// <summary>Arrivals per second; null = derived from the worker's own measurements (see <see cref="TraceRate"/>).</summary>
    public double? TraceRate { get; init; }

    public int TraceMaxOutput { get; init; } = 256;

    /// <summary>Longest arrival span of the trace: a slow machine gets a denser trace rather than a longer run.</summary>
    public double TraceMaxSpanSeconds { get; init; } = 150;

    public bool RunOverloadAfter { get; init; } = true;

    public static readonly string Usage =
        "usage: SlmFleet.Bench.Worker [overload] [--quick] [--preset NAME] [--model-dir DIR] [--seed N] [--threads N] " +
        "[--repeats N] [--decode-tokens N] [--trace-requests N] [--trace-rate R] [--no-overload]";

    /// <summary>Parses the arguments; null and a message naming the bad argument when they are invalid.</summary>
    public static BenchOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var options = args.Contains("--quick")
            ? new BenchOptions { Quick = true, Repeats = 1, DecodeTokens = 32, TraceRequests = 6, TraceMaxOutput = 32, TraceMaxSpanSeconds = 8, RunOverloadAfter = false }
            : new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            BenchOptions? next = args[i] switch
            {
                "overload" when i == 0 => options with { Overload = true },
                "--quick" => options,
                "--no-overload" => options with { RunOverloadAfter = false },
                "--preset" when !string.IsNullOrWhiteSpace(value) => options with { Preset = value },
                "--model-dir" when !string.IsNullOrWhiteSpace(value) => options with { ModelDirectory = Path.GetFullPath(value) },
                "--seed" when Int(value) is { } seed => options with { Seed = seed },
                "--threads" when Int(value) is > 0 and var threads => options with { Threads = threads },
                "--repeats" when Int(value) is > 0 and var repeats => options with { Repeats = repeats },
                "--decode-tokens" when Int(value) is > 1 and var tokens => options with { DecodeTokens = tokens },
                "--trace-requests" when Int(value) is > 0 and var requests => options with { TraceRequests = requests },
                "--trace-rate" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0 && double.IsFinite(rate) => options with { TraceRate = rate },
                _ => null,
            };
            if (next is null)
            {
                error = $"argument '{args[i]}' {(value is null ? string.Empty : $"with value '{value}' ")}is not accepted; " +
                    "numbers must be positive integers (--decode-tokens at least 2, --trace-rate a positive number of requests/s)\n" + Usage;
                return null;
            }

            // Flags that take a value consume it.
            if (args[i].StartsWith("--", StringComparison.Ordinal) && args[i] is not ("--quick" or "--no-overload"))
            {
                i++;
            }

            options = next;
        }

        return options;
    }

    private static int? Int(string? value)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
}
