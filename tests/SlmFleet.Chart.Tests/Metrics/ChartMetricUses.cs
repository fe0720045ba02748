using System.Text.Json.Nodes;
using SlmFleet.Chart.Tests.Infrastructure;

namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>Every metric named in a rendered chart's alert expressions and dashboard queries.</summary>
internal static class ChartMetricUses
{
    public const string DashboardKey = "slm-fleet.json";

    public static IReadOnlyList<MetricUse> Collect(RenderedChart chart)
    {
        var uses = new List<MetricUse>();
        foreach (var (alert, expression) in Alerts(chart))
        {
            uses.AddRange(PromQlMetricNames.Extract(expression).Select(name => new MetricUse(name, $"alert {alert}")));
        }

        foreach (var (where, expression) in DashboardQueries(chart))
        {
            uses.AddRange(PromQlMetricNames.Extract(expression).Select(name => new MetricUse(name, where)));
        }

        return uses;
    }

    public static IEnumerable<(string Alert, string Expression)> Alerts(RenderedChart chart) =>
        from rule in chart.OfKind("PrometheusRule")
        from @group in rule.Content["spec"]?["groups"]?.AsArray() ?? []
        from item in @group?["rules"]?.AsArray() ?? []
        let alert = item?["alert"]?.GetValue<string>()
        where alert is not null
        select (alert, item!["expr"]?.GetValue<string>() ?? string.Empty);

    public static JsonObject Dashboard(RenderedChart chart)
    {
        var configMap = chart.OfKind("ConfigMap").Single(c => c.Content["data"]?[DashboardKey] is not null);
        return JsonNode.Parse(configMap.Content["data"]![DashboardKey]!.GetValue<string>())!.AsObject();
    }

    /// <summary>All panels, including those nested in collapsed rows.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard)
    {
        foreach (var panel in dashboard["panels"]?.AsArray() ?? [])
        {
            yield return panel!.AsObject();
            foreach (var nested in panel["panels"]?.AsArray() ?? [])
            {
                yield return nested!.AsObject();
            }
        }
    }

    public static IEnumerable<(string Where, string Expression)> DashboardQueries(RenderedChart chart)
    {
        var dashboard = Dashboard(chart);
        foreach (var panel in Panels(dashboard))
        {
            foreach (var target in panel["targets"]?.AsArray() ?? [])
            {
                if (target?["expr"]?.GetValue<string>() is { } expression)
                {
                    yield return ($"panel '{panel["title"]}'", expression);
                }
            }
        }

        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            var query = variable?["query"];
            var text = query is JsonObject ? query["query"]?.GetValue<string>() : null;
            if (text is not null)
            {
                yield return ($"variable '{variable!["name"]}'", text);
            }
        }
    }
}
