using System.Globalization;

namespace SlmFleet.Demo.Workload;

/// <summary>Sums samples of one metric in Prometheus' text format whose labels include the given pairs.</summary>
internal static class PrometheusText
{
    public static double Sum(string text, string name, params (string Label, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(text);
        double total = 0;
        foreach (var line in text.Split('\n'))
        {
            if ((line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
                && labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
