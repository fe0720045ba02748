using System.Text.RegularExpressions;

namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>
/// Extracts the metric names a PromQL expression selects. Not a full parser: it removes what cannot be a
/// metric name (string literals, label matchers, range/subquery brackets, grouping clauses, Grafana
/// variables, numbers and durations), then every identifier left that is not a keyword and not followed by
/// "(" (a function or an aggregation) is a metric name. Grafana's label_values(metric, label) is understood too.
/// </summary>
internal static partial class PromQlMetricNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
        "bool", "offset", "atan2", "inf", "nan", "start", "end",
    };

    public static IReadOnlySet<string> Extract(string expression)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in LabelValuesCall().Matches(expression))
        {
            names.Add(match.Groups["metric"].Value);
        }

        var text = LabelValuesCall().Replace(expression, " ");
        text = StringLiteral().Replace(text, " ");
        text = LabelMatchers().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = GroupingClause().Replace(text, " ");
        text = GrafanaVariable().Replace(text, " ");

        foreach (Match token in Token().Matches(text))
        {
            var value = token.Value;
            if (char.IsDigit(value[0]) || value[0] == '.' || Keywords.Contains(value))
            {
                continue;
            }

            var rest = text.AsSpan(token.Index + token.Length).TrimStart();
            if (rest.Length > 0 && rest[0] == '(')
            {
                continue;
            }

            names.Add(value);
        }

        return names;
    }

    [GeneratedRegex(@"label_values\(\s*(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)")]
    private static partial Regex LabelValuesCall();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex GroupingClause();

    [GeneratedRegex(@"\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?")]
    private static partial Regex GrafanaVariable();

    [GeneratedRegex(@"[0-9.][0-9.]*(?:[eE][-+]?[0-9]+)?(?:ms|[smhdwy])*|[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Token();
}
