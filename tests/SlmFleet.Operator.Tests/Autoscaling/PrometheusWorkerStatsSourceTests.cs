using FluentAssertions;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

/// <summary>
/// The Prometheus source against a loopback stand-in for Prometheus's HTTP API (<c>/api/v1/query</c>),
/// answering with the instant-vector JSON Prometheus returns.
/// </summary>
[TestFixture]
public sealed class PrometheusWorkerStatsSourceTests
{
    private WebApplication _prometheus = null!;
    private Uri _url = null!;
    private string _answer = string.Empty;
    private int _status = 200;
    private string? _lastQuery;

    [OneTimeSetUp]
    public async Task StartPrometheus()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _prometheus = builder.Build();
        _prometheus.MapGet("/api/v1/query", (HttpContext context) =>
        {
            _lastQuery = context.Request.Query["query"];
            return Results.Text(_answer, "application/json", statusCode: _status);
        });
        await _prometheus.StartAsync();
        _url = new Uri(_prometheus.Urls.Single() + "/");
    }

    [OneTimeTearDown]
    public async Task StopPrometheus() => await _prometheus.DisposeAsync();

    private static V1Pod Pod(string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ml" } };

    private static string Vector(params (string Metric, string Value)[] samples) =>
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + string.Join(",", samples.Select(s => $"{{\"metric\":{{\"__name__\":\"{s.Metric}\",\"namespace\":\"ml\",\"pod\":\"qwen-w-0\"}},\"value\":[1795370000.1,\"{s.Value}\"]}}"))
        + "]}}";

    [Test]
    public async Task ReadAsync_AllGauges_ReturnsThemAndSelectsThePod()
    {
        _status = 200;
        _answer = Vector(("slm_worker_utilization_ratio", "0.83"), ("slm_worker_queue_depth", "5"), ("slm_worker_tokens_per_second", "412.5"));
        using var http = new HttpClient();
        var source = new PrometheusWorkerStatsSource(_url, http);

        var stats = await source.ReadAsync(Pod("qwen-w-0"), CancellationToken.None);

        stats.Should().Be(new WorkerStats(0.83, 5, 412.5));
        _lastQuery.Should().Contain("namespace=\"ml\"").And.Contain("pod=\"qwen-w-0\"").And.Contain("slm_worker_utilization_ratio");
    }

    [Test]
    public async Task ReadAsync_CapacityUtilizationExported_PreferredOverTheDutyCycle()
    {
        _status = 200;
        // One sequence in a 16-slot batch: the engine is busy all the time, but 1/16 of its capacity is in use.
        _answer = Vector(("slm_worker_utilization_ratio", "0.98"), ("slm_worker_capacity_utilization_ratio", "0.0625"), ("slm_worker_queue_depth", "0"), ("slm_worker_tokens_per_second", "40"));
        using var http = new HttpClient();
        var source = new PrometheusWorkerStatsSource(_url, http);

        var stats = await source.ReadAsync(Pod("qwen-w-0"), CancellationToken.None);

        stats.Utilization.Should().Be(0.0625);
        _lastQuery.Should().Contain("slm_worker_capacity_utilization_ratio");
    }

    [Test]
    public async Task ReadAsync_NoUtilizationSeries_ThrowsSoTheSampleCountsAsMissing()
    {
        _status = 200;
        _answer = Vector(("slm_worker_queue_depth", "2"));
        using var http = new HttpClient();
        var source = new PrometheusWorkerStatsSource(_url, http);

        var read = () => source.ReadAsync(Pod("qwen-w-0"), CancellationToken.None);

        (await read.Should().ThrowAsync<WorkerStatsUnavailableException>()).Which.Message.Should().Contain("slm_worker_utilization_ratio").And.Contain("ml/qwen-w-0");
    }

    [Test]
    public async Task ReadAsync_PrometheusError_ThrowsNamingTheStatus()
    {
        _status = 503;
        _answer = "{\"status\":\"error\"}";
        using var http = new HttpClient();
        var source = new PrometheusWorkerStatsSource(_url, http);

        var read = () => source.ReadAsync(Pod("qwen-w-0"), CancellationToken.None);

        (await read.Should().ThrowAsync<WorkerStatsUnavailableException>()).Which.Message.Should().Contain("503");
    }

    [Test]
    public void Query_QuotesInLabelValues_AreEscaped()
    {
        PrometheusWorkerStatsSource.Query("ml", "a\"b").Should().Contain("pod=\"a\\\"b\"");
    }
}
