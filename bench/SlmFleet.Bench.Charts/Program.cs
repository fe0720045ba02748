using SlmFleet.Bench.Charts;

// SlmFleet.Bench.Charts [--results DIR] [--png DIR]: renders every known bench/results/*.json into SVG
// charts beside it; --png also writes PNG copies to DIR (to look at them where no SVG viewer is at hand).
string directory = "bench/results";
string? png = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--results" when i + 1 < args.Length:
            directory = args[++i];
            break;
        case "--png" when i + 1 < args.Length:
            png = args[++i];
            break;
        default:
            Console.Error.WriteLine($"charts: unknown argument '{args[i]}'; usage: SlmFleet.Bench.Charts [--results DIR] [--png DIR]   (default: bench/results)");
            return 2;
    }
}

if (!Directory.Exists(directory))
{
    Console.Error.WriteLine($"charts: results folder '{directory}' does not exist; run from the repository root or pass --results DIR");
    return 2;
}

var rendered = ChartRenderer.RenderAll(directory, png, Console.Out, Console.Error);
var page = Path.Combine("docs", "benchmarks.md");
if (File.Exists(page) && BenchmarkDocs.Update(directory, page))
{
    Console.WriteLine($"charts: {page} updated from {directory}/*.md");
}

return rendered;
