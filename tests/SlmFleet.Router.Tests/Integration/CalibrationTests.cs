using System.Net;
using System.Text.Json;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>
/// Threshold calibration and the budget curve through the real router, the real worker on the tiny
/// model and the LLM stand-in, whose answers define agreement. The router has no operator here (local
/// mode), so with <c>mode: auto</c> it calibrates from its own shadow counts.
/// </summary>
[TestFixture]
public sealed class CalibrationTests
{
    private const string Prompt = "Is the parcel late?";

    private OpenAiTestServer _llm = null!;
    private TestRouter _router = null!;
    private string _slmAnswer = string.Empty;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _llm = await OpenAiTestServer.StartAsync();
        var worker = await TinyWorker.AddressAsync();
        var yaml = PolicyYaml.Build(
            worker,
            null,
            // Threshold 0.99: the tiny model's random weights never reach it, so everything escalates at first.
            PolicyYaml.Policy("calibrated", "tiny", _llm.BaseUrl, 0.99,
                "    shadow: { enabled: true, sampleRate: 1.0 }",
                calibration: "{ mode: auto, minSamples: 10, targetAgreement: 0.6, minThreshold: 0.0, hysteresis: 0.01 }"),
            // A budget of $0.05: one escalation ($0.02 at the stand-in's usage) passes 10 %, where the curve drops the threshold to 0.
            PolicyYaml.Policy("frugal", "tiny", _llm.BaseUrl, 0.99,
                "    budget: { monthlyUsd: 0.05, thresholdCurve: [{ spentFraction: 0.1, threshold: 0.0 }], thresholdFloor: 0.0 }"));
        _router = await TestRouter.StartAsync(yaml, TestRouter.WithLlmKey);

        // The LLM agrees with the SLM word for word: the SLM's greedy answer to the prompt, asked directly.
        var direct = await _router.PostJsonAsync("/v1/chat/completions", Body("tiny-direct"));
        _slmAnswer = JsonDocument.Parse(await direct.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        _llm.Answer = _ => _slmAnswer;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _router.DisposeAsync();
        await _llm.DisposeAsync();
    }

    private static string Body(string model) =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{Prompt}}"}],"max_tokens":6}""";

    [Test]
    public async Task AutoCalibration_AgreeingShadowTraffic_LowersTheThresholdUntilTheSlmAnswers()
    {
        var first = await _router.PostJsonAsync("/v1/chat/completions", Body("calibrated"));
        TestRouter.Header(first, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(first, "x-slmfleet-reason").Should().Be("low_confidence");
        var confidence = double.Parse(TestRouter.Header(first, "x-slmfleet-confidence"), System.Globalization.CultureInfo.InvariantCulture);

        // Every escalated request is shadowed on the SLM, which gives the LLM's own answer: ten agreeing samples.
        for (var i = 0; i < 11; i++)
        {
            (await _router.PostJsonAsync("/v1/chat/completions", Body("calibrated"))).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await Poll.UntilAsync(
            async () => await _router.MetricAsync("slm_router_calibration_samples_total", ("model", "calibrated"), ("agreed", "true")) >= 10,
            "ten agreeing calibration samples");
        var after = await _router.PostJsonAsync("/v1/chat/completions", Body("calibrated"));

        TestRouter.Header(after, "x-slmfleet-route").Should().Be("slm", "the calibrated threshold is the bucket edge below the measured confidence");
        var threshold = await _router.MetricAsync("slm_router_effective_threshold", ("model", "calibrated"));
        threshold.Should().BeLessThanOrEqualTo(confidence).And.BeGreaterThan(confidence - 0.05 - 1e-9);
        (await _router.MetricAsync("slm_router_calibration_samples_total", ("model", "calibrated"), ("task", "none"), ("agreed", "false"))).Should().Be(0);
    }

    [Test]
    public async Task BudgetCurve_SpendPastTheFirstPoint_LowersTheThreshold()
    {
        var first = await _router.PostJsonAsync("/v1/chat/completions", Body("frugal"));
        TestRouter.Header(first, "x-slmfleet-route").Should().Be("llm");
        (await _router.MetricAsync("slm_router_effective_threshold", ("model", "frugal"))).Should().Be(0.99);

        var second = await _router.PostJsonAsync("/v1/chat/completions", Body("frugal"));

        TestRouter.Header(second, "x-slmfleet-route").Should().Be("slm", "40 % of the budget is spent, past the curve's point at 10 %");
        TestRouter.Header(second, "x-slmfleet-reason").Should().Be("confident");
        (await _router.MetricAsync("slm_router_effective_threshold", ("model", "frugal"))).Should().Be(0.0);
    }
}

/// <summary>A candidate SlmDeployment on shadow traffic, through the real router and worker.</summary>
[TestFixture]
public sealed class CandidateShadowTests
{
    [Test]
    public async Task Candidate_SampledRequests_AnsweredByTheCandidateAndCounted()
    {
        await using var llm = await OpenAiTestServer.StartAsync();
        var worker = await TinyWorker.AddressAsync();
        // The candidate is the same worker: greedy on the same model, so it always agrees with the reference.
        var yaml = PolicyYaml.Build(worker, null, PolicyYaml.Policy("gated", "tiny", llm.BaseUrl, 0.0,
            "    candidate: { deploymentRef: { name: tiny }, sampleRate: 1.0 }"));
        await using var router = await TestRouter.StartAsync(yaml, TestRouter.WithLlmKey);

        for (var i = 0; i < 3; i++)
        {
            (await router.PostJsonAsync("/v1/chat/completions", """{"model":"gated","messages":[{"role":"user","content":"Hello"}],"max_tokens":4}""")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await Poll.UntilAsync(
            async () => await router.MetricAsync("slm_router_candidate_samples_total", ("model", "gated"), ("candidate", "tiny"), ("agreed", "true")) >= 3,
            "three agreeing candidate samples");
        llm.Requests.Should().BeEmpty("the candidate gate makes no LLM call");
    }

    [Test]
    public void Promoted_StatusNamingTheCandidate_ServesFromItWithoutComparingItToItself()
    {
        var spec = new SlmFleet.Api.V1Alpha1.RoutingPolicySpec
        {
            ModelAlias = "bot",
            Slm = new() { DeploymentRef = new() { Name = "qwen" } },
            Candidate = new() { DeploymentRef = new() { Name = "qwen-v2" } },
        };

        var served = SlmFleet.Router.Kubernetes.ClusterWatcher.Promoted(spec, new SlmFleet.Api.V1Alpha1.PromotionStatus { Deployment = "qwen-v2" });

        served.Slm.DeploymentRef.Name.Should().Be("qwen-v2");
        served.Candidate.Should().BeNull();
        spec.Slm.DeploymentRef.Name.Should().Be("qwen", "the watched object is not modified");
        SlmFleet.Router.Kubernetes.ClusterWatcher.Promoted(spec, new SlmFleet.Api.V1Alpha1.PromotionStatus { Deployment = "other" }).Should().BeSameAs(spec);
        SlmFleet.Router.Kubernetes.ClusterWatcher.Promoted(spec, null).Should().BeSameAs(spec);
    }
}
