using System.Text;
using System.Text.RegularExpressions;

namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>
/// Finds the Prometheus metrics the code exports by reading it: every prometheus-net creation call
/// (Metrics.CreateCounter/CreateGauge/CreateHistogram/CreateSummary, or the same methods on a factory such
/// as Metrics.WithCustomRegistry(..) or an injected IMetricFactory), with the name argument resolved when it
/// is a literal, a string constant (const or static readonly, also in another class), a concatenation or an
/// interpolation of those. Calls it cannot resolve are reported by file and line, never silently dropped.
/// </summary>
internal static partial class ExportedMetricScanner
{
    /// <summary>Folders (under the repository root) whose code exports metrics.</summary>
    public static IReadOnlyList<string> SourceFolders { get; } = ["operator", "inference-worker", "router"];

    public static MetricScanResult ScanRepository(string repositoryRoot)
    {
        var sources = SourceFolders
            .Select(folder => Path.Combine(repositoryRoot, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Where(path => !IsBuildOutput(path))
            .Select(path => new SourceFile(Path.GetRelativePath(repositoryRoot, path), File.ReadAllText(path)))
            .ToList();
        return Scan(sources);
    }

    public static MetricScanResult Scan(IReadOnlyList<SourceFile> sources)
    {
        var code = sources.Select(s => s with { Text = CSharpCode.WithoutComments(s.Text) }).ToList();
        var constants = StringConstants.Collect(code);
        var metrics = new List<ExportedMetric>();
        var unresolved = new List<string>();

        foreach (var file in code)
        {
            // Search calls in a copy whose string contents are blanked ("...CreateGauge(" in a string is no call),
            // but read the arguments from the real text.
            var masked = CSharpCode.MaskStrings(file.Text);
            foreach (Match call in CreationCall().Matches(masked))
            {
                if (IsMethodDeclaration(masked, call.Index))
                {
                    continue;
                }

                var line = file.Text.AsSpan(0, call.Index).Count('\n') + 1;
                var arguments = Arguments(file.Text, call.Index + call.Length);
                var argument = arguments[0];
                if (call.Groups["generic"].Success)
                {
                    // System.Diagnostics.Metrics (meter.CreateCounter<T>): prometheus-net renames those, so they
                    // cannot be matched by name; report them so nobody wonders why a name is "missing".
                    unresolved.Add($"{file.Path}:{line}: System.Diagnostics.Metrics instrument {argument.Trim()} (use prometheus-net's Metrics.Create{call.Groups["kind"].Value} for metrics the chart uses)");
                    continue;
                }

                var name = constants.Evaluate(argument, file);
                if (name is null)
                {
                    unresolved.Add($"{file.Path}:{line}: Create{call.Groups["kind"].Value}({argument.Trim()}, ...) — name not resolvable to a string constant");
                    continue;
                }

                metrics.Add(new ExportedMetric(name, Enum.Parse<MetricKind>(call.Groups["kind"].Value), file.Path, Labels(arguments, constants, file)));
            }
        }

        return new MetricScanResult(metrics, unresolved, sources.Count);
    }

    private static bool IsBuildOutput(string path)
    {
        var separator = Path.DirectorySeparatorChar;
        return path.Contains($"{separator}bin{separator}", StringComparison.Ordinal)
            || path.Contains($"{separator}obj{separator}", StringComparison.Ordinal);
    }

    /// <summary>"Counter CreateCounter(" declares a helper; "return CreateCounter(" or "x.CreateCounter(" calls one.</summary>
    private static bool IsMethodDeclaration(string text, int index)
    {
        var before = PrecedingWord().Match(text[..index]);
        return before.Success && before.Groups["word"].Value is not ("return" or "await" or "new" or "yield");
    }

    /// <summary>
    /// Label names: after the name and the help text, every string literal (params labels, a label array, or
    /// LabelNames = [...] in a configuration object) and every identifier that is a string constant.
    /// </summary>
    private static HashSet<string> Labels(IReadOnlyList<string> arguments, StringConstants constants, SourceFile file)
    {
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in arguments.Skip(2))
        {
            foreach (Match literal in StringLiteral().Matches(argument))
            {
                labels.Add(literal.Groups["value"].Value);
            }

            foreach (Match identifier in Identifier().Matches(StringLiteral().Replace(argument, " ")))
            {
                if (constants.Evaluate(identifier.Value, file) is { } value)
                {
                    labels.Add(value);
                }
            }
        }

        return labels;
    }

    /// <summary>The top-level arguments of the call whose "(" ends just before <paramref name="start"/>.</summary>
    private static List<string> Arguments(string text, int start)
    {
        var arguments = new List<string>();
        var depth = 0;
        var builder = new StringBuilder();
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                var verbatim = i > 0 && text[i - 1] == '@';
                var end = CSharpCode.EndOfLiteral(text, i, c, verbatim);
                builder.Append(text, i, end - i);
                i = end;
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                arguments.Add(builder.ToString());
                builder.Clear();
                i++;
                continue;
            }

            builder.Append(c);
            i++;
        }

        arguments.Add(builder.ToString());
        return arguments;
    }

    [GeneratedRegex("\"(?<value>[a-zA-Z_][a-zA-Z0-9_]*)\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"(?<![\w.])[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*(?![\w(])")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"(?<![\w])Create(?<kind>Counter|Gauge|Histogram|Summary)\s*(?<generic><[^<>()]*>)?\s*\(")]
    private static partial Regex CreationCall();

    [GeneratedRegex(@"(?<word>[A-Za-z_][\w<>\[\]?,]*)\s+$", RegexOptions.RightToLeft)]
    private static partial Regex PrecedingWord();
}
