using System.Text.RegularExpressions;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Chart.Tests.Infrastructure;
using SlmFleet.Testing;

namespace SlmFleet.Chart.Tests;

/// <summary>
/// The documentation holds together: README.md stays a front page, every relative link in it and in
/// docs/ reaches a file that exists and, with an anchor, a heading that file has.
/// </summary>
[TestFixture]
public sealed partial class DocsTests
{
    private static readonly string Root = TestPaths.RepositoryRoot;

    private static IEnumerable<string> Pages() =>
        new[] { Path.Combine(Root, "README.md") }.Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories));

    [Test]
    public void Readme_IsAFrontPage()
    {
        File.ReadAllLines(Path.Combine(Root, "README.md")).Length.Should().BeLessThanOrEqualTo(250, "everything beyond the front page lives in docs/");
    }

    [Test]
    public void Links_RelativeLinksAndAnchorsResolve()
    {
        var broken = new List<string>();
        foreach (var page in Pages())
        {
            var text = WithoutCodeBlocks(File.ReadAllText(page));
            foreach (Match link in Link().Matches(text))
            {
                var target = link.Groups["target"].Value;
                if (target.StartsWith("http://", StringComparison.Ordinal) || target.StartsWith("https://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var file = hash < 0 ? target : target[..hash];
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var resolved = file.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, file));
                var where = $"{Path.GetRelativePath(Root, page)}: ({target})";
                if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    broken.Add($"{where}: no such file");
                }
                else if (anchor is not null && resolved.EndsWith(".md", StringComparison.Ordinal) && !MarkdownAnchors.Of(File.ReadAllText(resolved)).Contains(anchor))
                {
                    broken.Add($"{where}: no heading with that anchor");
                }
            }
        }

        broken.Should().BeEmpty();
    }

    [Test]
    public void Index_LinksEveryPage()
    {
        var index = File.ReadAllText(Path.Combine(Root, "docs", "README.md"));
        var pages = Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Path.Combine(Root, "docs"), p).Replace('\\', '/'))
            .Where(p => p != "README.md");

        pages.Where(p => !index.Contains($"]({p}", StringComparison.Ordinal)).Should().BeEmpty("docs/README.md is the map a reader starts from");
    }

    /// <summary>Code blocks and inline code (regular expressions in the CRD reference look like links).</summary>
    [Test]
    public void Benchmarks_PageCarriesEveryResultsTableAsTheBenchmarkWroteIt()
    {
        var page = File.ReadAllText(Path.Combine(Root, "docs", "benchmarks.md"));
        var stale = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "bench", "results"), "*.md"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var (open, close) = ($"<!-- bench:{name} -->\n", $"<!-- /bench:{name} -->");
            var start = page.IndexOf(open, StringComparison.Ordinal);
            var end = start < 0 ? -1 : page.IndexOf(close, start, StringComparison.Ordinal);
            // The charts tool demotes the table's headings under "Latest results"; nothing else changes.
            var expected = string.Concat(File.ReadAllText(file).TrimEnd().Split('\n').Select(l => (l.StartsWith('#') ? "###" + l.TrimStart('#') : l) + "\n"));
            if (start < 0 || end < 0 || page[(start + open.Length)..end] != expected)
            {
                stale.Add(name);
            }
        }

        stale.Should().BeEmpty("docs/benchmarks.md must show the last run's tables: run `make charts` after a benchmark");
    }

    private static string WithoutCodeBlocks(string markdown) => InlineCode().Replace(CodeBlock().Replace(markdown, string.Empty), string.Empty);

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();
}
