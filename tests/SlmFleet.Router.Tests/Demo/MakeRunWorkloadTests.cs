extern alias worker;
using SlmFleet.Demo.Llm;
using SlmFleet.Demo.Policies;
using SlmFleet.Demo.Workload;
using SlmFleet.Router.Tests.Infrastructure;
using worker::SlmFleet.Worker.Hosting;
using worker::SlmFleet.Worker.Model;
using worker::SlmFleet.Worker.ModelBuilder;

namespace SlmFleet.Router.Tests.Demo;

/// <summary>
/// <c>make run</c>'s workload, non-interactively: the same tiny model (make-model's default seed), the
/// demo's policy and LLM stand-in, and the player driving a real router over HTTP. The summary it
/// prints is computed from responses alone; here every figure is held against the router's own
/// Prometheus counters, so neither the demo nor the metrics can drift without a failure.
/// </summary>
[TestFixture]
public sealed class MakeRunWorkloadTests
{
    private const double UsdTolerance = 1e-12;
    private string _modelRoot = null!;
    private WorkerHost _worker = null!;
    private StandInLlm _llm = null!;
    private TestRouter _router = null!;
    private DemoSummary _summary = null!;
    private string _printed = null!;

    [OneTimeSetUp]
    public async Task PlayAsync()
    {
        _modelRoot = Path.Combine(Path.GetTempPath(), "slm-demo-tests-" + Guid.NewGuid().ToString("N")[..8]);
        var model = Path.Combine(_modelRoot, "tiny");
        ModelFolderWriter.Write(model, ModelPreset.Tiny, seed: 42);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        _worker = await WorkerHost.StartAsync(
            new WorkerOptions { ModelDirectory = model, ExecutionProvider = ExecutionProviderChoice.Cpu, ServedName = DemoPolicy.ServedName, LogLevel = LogLevel.Warning },
            timeout.Token);
        await _worker.WaitUntilWarmAsync(timeout.Token);
        _llm = await StandInLlm.StartAsync("http://127.0.0.1:0", TimeSpan.Zero, TimeSpan.Zero);
        _router = await TestRouter.StartAsync(DemoPolicy.Yaml(_worker.GrpcAddress, _llm.BaseUrl));

        using var output = new StringWriter();
        var results = await new WorkloadPlayer(_router.Http, output).PlayAsync(DemoWorkload.Default(), timeout.Token);
        _summary = new DemoSummary(results);
        _summary.Write(output);
        _printed = output.ToString();
        await TestContext.Out.WriteLineAsync(_printed);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _router.DisposeAsync();
        await _llm.DisposeAsync();
        await _worker.DisposeAsync();
        Directory.Delete(_modelRoot, recursive: true);
    }

    [Test]
    public void Workload_EveryRequestAnswered_InARealisticMix()
    {
        _summary.Failed.Should().Be(0, _printed);
        _summary.Requests.Should().Be(DemoWorkload.Default().Count);
        _summary.SlmAnswers.Should().BePositive("confident classifications stay on the SLM");
        _summary.Escalations.Should().ContainKeys("low_confidence", "schema_fail");
        _summary.RuleRoutes.Should().ContainKeys("long-documents", "needs-reasoning");
        _summary.UnsupportedRoutes.Should().ContainKeys("tools", "context");
        _summary.Results.Single(r => r.Title.StartsWith("stream:", StringComparison.Ordinal)).FirstToken.Should().NotBeNull();
        _printed.Should().Contain("LLM-only baseline").And.Contain("answered by the SLM");
    }

    [Test]
    public async Task RequestsByRouteAndReason_MatchRouterMetrics()
    {
        (await Metric("slm_router_requests_total")).Should().Be(_summary.Requests);
        foreach (var ((route, reason), count) in _summary.ByRouteReason)
        {
            (await Metric("slm_router_requests_total", ("route", route), ("reason", reason))).Should().Be(count, $"route {route}, reason {reason}");
        }

        (await Metric("slm_router_requests_total", ("route", "slm"))).Should().Be(_summary.SlmAnswers);
        (await Metric("slm_router_requests_total", ("route", "llm"))).Should().Be(_summary.LlmAnswers);
    }

    [Test]
    public async Task EscalationsAndCapabilityRoutes_MatchRouterMetrics()
    {
        (await Metric("slm_router_escalations_total")).Should().Be(_summary.Escalations.Values.Sum());
        foreach (var reason in DemoSummary.EscalationReasons)
        {
            (await Metric("slm_router_escalations_total", ("reason", reason))).Should().Be(_summary.Escalations.GetValueOrDefault(reason), reason);
        }

        (await Metric("slm_router_unsupported_total")).Should().Be(_summary.UnsupportedRoutes.Values.Sum());
        foreach (var (feature, count) in _summary.UnsupportedRoutes)
        {
            (await Metric("slm_router_unsupported_total", ("feature", feature))).Should().Be(count, feature);
        }
    }

    [Test]
    public async Task SpendSavingsAndTokens_MatchRouterMetrics()
    {
        var spend = await Metric("slm_router_llm_spend_usd_total");
        var savings = await Metric("slm_router_savings_usd_total");
        _summary.SpendUsd.Should().BePositive();
        _summary.SpendUsd.Should().BeApproximately(spend, UsdTolerance);
        _summary.SavedUsd.Should().BeApproximately(savings, UsdTolerance);
        _summary.LlmOnlyUsd.Should().BeApproximately(spend + savings, UsdTolerance);
        foreach (var route in (string[])["slm", "llm"])
        {
            var (prompt, completion) = _summary.Tokens(route);
            (await Metric("slm_router_tokens_total", ("route", route), ("kind", "prompt"))).Should().Be(prompt, route);
            (await Metric("slm_router_tokens_total", ("route", route), ("kind", "completion"))).Should().Be(completion, route);
        }
    }

    [Test]
    public void LlmStandIn_CalledOncePerLlmAnswer()
    {
        // No shadow copies in the demo policy: every LLM call is an answer the client received.
        _llm.Requests.Should().Be(_summary.LlmAnswers);
    }

    private Task<double> Metric(string name, params (string Label, string Value)[] labels) =>
        _router.MetricAsync(name, [("model", DemoPolicy.Alias), .. labels]);
}
