using System.Text.Json.Nodes;

namespace SlmFleet.Bench.Charts;

/// <summary>
/// One benchmark's JSON and the line that dates it. The date and machine come from the JSON; results
/// written before the benchmarks recorded them there carry them only in the Markdown table written by the
/// same run (<c>Date: … Machine: ….</c>), so that line is the fallback: a chart never goes undated.
/// </summary>
internal sealed class ResultFile(string path, JsonNode root)
{
    public string Path { get; } = path;

    public JsonNode Root { get; } = root;

    public string Stem => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>"2026-12-05 21:32 UTC · AMD EPYC, 2 cores, …" (machine cut at its first comma-separated 4 parts).</summary>
    public string Subtitle
    {
        get
        {
            var date = Root["date"]?.GetValue<string>() ?? Root["run"]?["date"]?.GetValue<string>();
            var machine = Root["machine"]?.GetValue<string>() ?? Root["run"]?["machine"]?.GetValue<string>();
            if (date is null && MarkdownDateLine() is { } line)
            {
                return line;
            }

            // A simulation's numbers do not depend on the machine; those JSONs record none.
            return machine is null ? date ?? "date not recorded" : $"{date ?? "date not recorded"} · {Shorten(machine)}";
        }
    }

    public static ResultFile Load(string path) =>
        new(path, JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty JSON"));

    private static string Shorten(string machine)
    {
        // "Intel(R) Xeon(R) Processor, 2 cores, Debian GNU/Linux 12 (bookworm), .NET 10.0.12, load average 5.27 ..."
        // → "Intel Xeon Processor, 2 cores, Debian GNU/Linux 12, .NET 10.0.12": the load average is for the tables.
        var parts = machine.Replace("(R)", string.Empty, StringComparison.Ordinal).Split(", ")
            .Where(p => !p.StartsWith("load average", StringComparison.Ordinal))
            .Select(p => p.Replace(" (bookworm)", string.Empty, StringComparison.Ordinal));
        return string.Join(", ", parts);
    }

    private string? MarkdownDateLine()
    {
        var markdown = System.IO.Path.ChangeExtension(Path, ".md");
        if (!File.Exists(markdown))
        {
            return null;
        }

        var line = File.ReadLines(markdown).FirstOrDefault(l => l.StartsWith("Date: ", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        // "Date: 2026-11-22 18:47 UTC. Machine: Intel(R) Xeon(R) Processor, 2 cores, ..., load average ...".
        var text = line["Date: ".Length..];
        var machineAt = text.IndexOf(". Machine: ", StringComparison.Ordinal);
        return machineAt < 0
            ? text.TrimEnd('.')
            : $"{text[..machineAt]} · {Shorten(text[(machineAt + ". Machine: ".Length)..].TrimEnd('.'))}";
    }
}
