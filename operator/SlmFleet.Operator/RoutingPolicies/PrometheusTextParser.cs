using System.Globalization;
using System.Text;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Reads the Prometheus text exposition format (version 0.0.4: <c>name{label="value",…} value [timestamp]</c>,
/// <c>#</c> comments) — just enough to sum the routers' counters. Lines it cannot read are skipped
/// and counted, never thrown: one odd line must not hide the rest of a router's numbers.
/// Format reference: https://prometheus.io/docs/instrumenting/exposition_formats/
/// </summary>
internal static class PrometheusTextParser
{
    /// <summary>Samples of the metrics <paramref name="wanted"/> accepts (all when null); malformed lines are counted in <paramref name="skipped"/>.</summary>
    public static List<MetricSample> Parse(string text, Func<string, bool>? wanted, out int skipped)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<MetricSample>();
        skipped = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny(['{', ' ', '\t']);
            if (nameEnd <= 0)
            {
                skipped++;
                continue;
            }

            var name = line[..nameEnd];
            if (wanted is not null && !wanted(name))
            {
                continue;
            }

            if (TryParseSample(line, name, nameEnd, out var sample))
            {
                samples.Add(sample);
            }
            else
            {
                skipped++;
            }
        }

        return samples;
    }

    private static bool TryParseSample(string line, string name, int position, out MetricSample sample)
    {
        sample = null!;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (line[position] == '{' && !TryParseLabels(line, ref position, labels))
        {
            return false;
        }

        var rest = line[position..].Trim();
        var valueEnd = rest.IndexOfAny([' ', '\t']);
        var valueText = valueEnd < 0 ? rest : rest[..valueEnd];
        if (!TryParseValue(valueText, out var value))
        {
            return false;
        }

        sample = new MetricSample(name, labels, value);
        return true;
    }

    /// <summary>Parses <c>{a="x",b="y"}</c> starting at the brace; leaves <paramref name="position"/> after the closing brace.</summary>
    private static bool TryParseLabels(string line, ref int position, Dictionary<string, string> labels)
    {
        position++;
        while (position < line.Length)
        {
            while (position < line.Length && (line[position] == ',' || line[position] == ' '))
            {
                position++;
            }

            if (position < line.Length && line[position] == '}')
            {
                position++;
                return true;
            }

            var equals = line.IndexOf('=', position);
            if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"')
            {
                return false;
            }

            var labelName = line[position..equals].Trim();
            position = equals + 2;
            var value = new StringBuilder();
            var closed = false;
            while (position < line.Length)
            {
                var c = line[position++];
                if (c == '\\' && position < line.Length)
                {
                    var escaped = line[position++];
                    value.Append(escaped switch { 'n' => '\n', _ => escaped });
                }
                else if (c == '"')
                {
                    closed = true;
                    break;
                }
                else
                {
                    value.Append(c);
                }
            }

            if (!closed || labelName.Length == 0)
            {
                return false;
            }

            labels[labelName] = value.ToString();
        }

        return false;
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
