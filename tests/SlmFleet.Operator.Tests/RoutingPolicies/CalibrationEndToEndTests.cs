using System.Diagnostics;
using System.Text;
using FluentAssertions;
using k8s;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Commands;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Testing;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing.OpenAi;
using SlmFleet.Testing.Worker;
using static SlmFleet.Operator.Tests.RoutingPolicies.RoutingPolicyFixtures;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>
/// Calibration end to end with real components: a real <c>slm-worker</c> process on the tiny model, a
/// real <c>slm-router</c> process shadowing every request to the LLM stand-in (which answers exactly
/// what the SLM answers, so every sample agrees), and <c>slm-operator run</c> reading the router's
/// metrics into the RoutingPolicy's <c>status.calibration</c>.
/// </summary>
[TestFixture]
public sealed class CalibrationEndToEndTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task Run_ShadowedTraffic_StatusShowsTheCalibrationAndAppliesIt()
    {
        // Arrange: worker, LLM stand-in, router.
        var directory = Path.Combine(Path.GetTempPath(), "slm-calibration-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(directory, "secrets", "openai"));
        await File.WriteAllTextAsync(Path.Combine(directory, "secrets", "openai", "api-key"), "sk-test\n");
        var workerDll = WorkerProcess.DefaultWorkerDll();
        await WorkerProcess.MakeTinyModelAsync(workerDll, Path.Combine(directory, "tiny"), CancellationToken.None);
        await using var worker = await WorkerProcess.StartAsync(workerDll, Path.Combine(directory, "tiny"), TimeSpan.FromMinutes(2), "--execution-provider", "cpu", "--warmup-prompt", "hello");
        await using var llm = await OpenAiTestServer.StartAsync();
        var policies = Path.Combine(directory, "policies.yaml");
        await File.WriteAllTextAsync(policies, $$"""
            deployments:
              - name: qwen
                model: tiny-direct
                endpoints: ["{{worker.GrpcAddress.ToString().TrimEnd('/')}}"]
            policies:
              - modelAlias: support-bot
                slm: { deploymentRef: { name: qwen } }
                llm: { baseUrl: "{{llm.BaseUrl}}", model: big, apiKeySecretRef: { name: openai }, inputPricePerMillionTokens: 1, outputPricePerMillionTokens: 2 }
                escalation: { confidenceThreshold: 0.99 }
                shadow: { enabled: true, sampleRate: 1.0 }
            """);
        var (port, metricsPort) = (RouterStandIn.FreePort(), RouterStandIn.FreePort());
        using var router = StartRouter(policies, directory, port, metricsPort);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        await Poll.UntilAsync(async () => await Ok(http, "/readyz"), "the router to be ready", TimeSpan.FromSeconds(60));

        // The LLM agrees with the SLM word for word.
        const string Body = """{"model":"MODEL","messages":[{"role":"user","content":"Is the parcel late?"}],"max_tokens":6}""";
        var direct = await http.PostAsync("/v1/chat/completions", new StringContent(Body.Replace("MODEL", "tiny-direct", StringComparison.Ordinal), Encoding.UTF8, "application/json"));
        var slmAnswer = System.Text.Json.JsonDocument.Parse(await direct.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        llm.Answer = _ => slmAnswer;
        for (var i = 0; i < 12; i++)
        {
            (await http.PostAsync("/v1/chat/completions", new StringContent(Body.Replace("MODEL", "support-bot", StringComparison.Ordinal), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }

        // Act: the operator, on the in-process API server, reading the router's metrics.
        await using var server = await KubeApiTestServer.StartAsync();
        server.RegisterResource(PolicyControllerHarness.RoutingPolicyType);
        server.RegisterResource(PolicyControllerHarness.SlmDeploymentType);
        var kubeconfig = Path.Combine(directory, "kubeconfig.yaml");
        await File.WriteAllTextAsync(kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters: [{ name: test, cluster: { server: "{{server.Url}}" } }]
            contexts: [{ name: test, context: { cluster: test, user: test } }]
            current-context: test
            users: [{ name: test, user: { token: not-a-secret } }]
            """);
        using var stop = new CancellationTokenSource();
        using var client = server.CreateClient();
        var running = RunCommand.Create().Parse([
            "run", "--kubeconfig", kubeconfig, "--health-address", "127.0.0.1", "--health-port", "0",
            "--router-metrics-url", $"http://127.0.0.1:{metricsPort}/metrics", "--router-namespace", Namespace, "--usage-interval-seconds", "1",
        ]).InvokeAsync(cancellationToken: stop.Token);
        try
        {
            await client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
                Deployment(), RoutingPolicyResource.Group, RoutingPolicyResource.Version, Namespace, V1Alpha1SlmDeployment.Plural);
            var policy = Policy(secret: null);
            policy.Metadata.Uid = null;
            policy.Metadata.Generation = null;
            policy.Spec.Shadow = new ShadowSpec { Enabled = true, SampleRate = 1.0 };
            policy.Spec.Escalation = new EscalationSpec
            {
                ConfidenceThreshold = 0.99,
                Calibration = new CalibrationSpec { Mode = "auto", MinSamples = 10, TargetAgreement = 0.6, MinThreshold = 0.0 },
            };
            await client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1RoutingPolicy>(
                policy, RoutingPolicyResource.Group, RoutingPolicyResource.Version, Namespace, RoutingPolicyResource.Plural);

            V1Alpha1RoutingPolicy? Current() => server.Get<V1Alpha1RoutingPolicy>(RoutingPolicyResource.Group, RoutingPolicyResource.Plural, Namespace, "support");
            await Poll.UntilAsync(
                () => running.IsCompleted
                    ? throw new InvalidOperationException($"slm-operator run exited early with {running.Result}")
                    : Current()?.Status?.Calibration?.AppliedThreshold is not null,
                "the policy's status to show an applied calibration",
                TimeSpan.FromSeconds(90));

            // Assert: twelve agreeing samples in one confidence bucket; auto applies that bucket's edge.
            var calibration = Current()!.Status!.Calibration!;
            calibration.Samples.Should().Be(12);
            calibration.Table!.Sum(r => r.Samples == 12 && r.Agreement == 1 ? 1 : 0).Should().BeGreaterThan(0);
            calibration.RecommendedThreshold.Should().NotBeNull().And.BeLessThan(0.99);
            calibration.AppliedThreshold.Should().Be(calibration.RecommendedThreshold);
            Current()!.Status!.EffectiveThreshold.Should().Be(calibration.AppliedThreshold);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<bool> Ok(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static KillOnDispose StartRouter(string policies, string directory, int port, int metricsPort)
    {
        var dll = Path.Combine(TestPaths.RepositoryRoot, "router", "SlmFleet.Router", "bin", "Release", "net10.0", "slm-router.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { dll, "--policies", policies, "--listen", $"http://127.0.0.1:{port}", "--metrics-listen", $"http://127.0.0.1:{metricsPort}", "--secrets-dir", Path.Combine(directory, "secrets"), "--log-level", "Warning" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new KillOnDispose(process);
    }

    private sealed class KillOnDispose(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }

            process.Dispose();
        }
    }
}
