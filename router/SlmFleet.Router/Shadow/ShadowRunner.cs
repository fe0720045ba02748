using System.Globalization;
using System.Text;
using System.Text.Json;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Budget;
using SlmFleet.Router.Calibration;
using SlmFleet.Router.Kubernetes;
using SlmFleet.Router.Llm;
using SlmFleet.Router.Observability;
using SlmFleet.Router.OpenAi;
using SlmFleet.Router.Routing;
using SlmFleet.Router.Slm;

namespace SlmFleet.Router.Shadow;

/// <summary>
/// Shadow mode's executor: after the client has its answer, a sampled copy of the request goes to
/// the other side and the two answers are scored (<see cref="AgreementScorer"/>, or the LLM as judge).
/// Runs detached from the request; failures are logged and never reach the client. Streamed requests
/// are not shadowed (their answer is not kept).
/// <para>
/// Shadow copies and judge calls are LLM spend like any other: they are recorded against the policy's
/// budget, and none is sent once that budget is exhausted, whatever <c>whenExhausted</c> says (an
/// exhausted budget must not keep paying for measurements). The budget is checked before each LLM call;
/// copies already in flight when it runs out still finish, so the overshoot is bounded by the in-flight
/// limit. Skipped copies count in <c>slm_router_shadow_skipped_total</c>.
/// </para>
/// </summary>
internal sealed class ShadowRunner(
    ShadowSampler sampler,
    SlmClient slm,
    LlmForwarder llm,
    BudgetTracker budget,
    ThresholdCalibrator calibrator,
    DemandRecorder demand,
    RouterMetrics metrics,
    ILogger<ShadowRunner> logger)
{
    private const int MaxInFlight = 64;

    private int _inFlight;

    /// <summary>Shadow copies in progress (bounded: beyond 64 new samples are skipped).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <param name="policy">The request's policy (shadow settings, budget, calibration).</param>
    /// <param name="request">The parsed request.</param>
    /// <param name="body">The client's body, copied for the other side.</param>
    /// <param name="answeredBy">The side whose answer the client got.</param>
    /// <param name="answer">That answer's text.</param>
    /// <param name="confidence">The SLM confidence the request was judged on (null for rule routes): with an agreement score it becomes a calibration sample.</param>
    /// <param name="task">The request's task type, for per-task calibration.</param>
    public void MaybeShadow(RoutingPolicySpec policy, ParsedRequest request, ReadOnlySpan<byte> body, RouteTarget answeredBy, string answer, double? confidence = null, string? task = null)
    {
        if (policy.Shadow is not { Enabled: true } shadow || request.Stream || !sampler.Sample(shadow.SampleRate))
        {
            return;
        }

        var callsLlm = answeredBy == RouteTarget.Slm || IsLlmJudged(shadow);
        if (callsLlm && !BudgetAllows(policy))
        {
            return;
        }

        if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            metrics.RecordShadowSkipped(policy.ModelAlias, "in_flight_limit");
            return;
        }

        var copy = body.ToArray();
        _ = Task.Run(async () =>
        {
            try
            {
                var score = await CompareAsync(policy, request, copy, answeredBy, answer).ConfigureAwait(false);
                if (confidence is { } measured && score is { } agreement)
                {
                    calibrator.Record(policy, task, measured, agreement);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or SlmUnavailableException or SlmRejectedException or Polly.ExecutionRejectedException)
            {
                RouterLog.ShadowFailed(logger, policy.ModelAlias, ex.GetType().Name);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        });
    }

    /// <summary>Compares the two sides; returns the agreement score, or null when there was none.</summary>
    private async Task<double?> CompareAsync(RoutingPolicySpec policy, ParsedRequest request, byte[] body, RouteTarget answeredBy, string answer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(policy.Llm.TimeoutSeconds + (policy.Slm.TimeoutMilliseconds / 1000.0)));
        string? other;
        if (answeredBy == RouteTarget.Slm)
        {
            if (!BudgetAllows(policy))
            {
                return null;
            }

            var path = request.Kind == EndpointKind.ChatCompletions ? "chat/completions" : "completions";
            var result = await llm.CallAsync(body, path, policy.Llm, timeout.Token).ConfigureAwait(false);
            budget.Record(policy.ModelAlias, policy.Budget, LlmClient.Cost(policy.Llm, result.PromptTokens, result.CompletionTokens));
            other = result.Content;
        }
        else
        {
            var id = "shadow-" + Guid.NewGuid().ToString("N");
            var slmAnswer = request.Labels is not null
                ? await slm.ClassifyAsync(policy.Slm.DeploymentRef.Name, SlmRequestFactory.Classify(request, id), timeout.Token).ConfigureAwait(false)
                : await slm.GenerateAsync(policy.Slm.DeploymentRef.Name, SlmRequestFactory.Generate(request, 1, id), timeout.Token).ConfigureAwait(false);
            other = SlmAnswerWriter.Content(request, slmAnswer);
        }

        if (other is null)
        {
            RouterLog.ShadowFailed(logger, policy.ModelAlias, "the other side gave no answer");
            return null;
        }

        var (slmText, llmText) = answeredBy == RouteTarget.Slm ? (answer, other) : (other, answer);
        if (IsLlmJudged(policy.Shadow!) && !BudgetAllows(policy))
        {
            return null;
        }

        var (method, score) = IsLlmJudged(policy.Shadow!)
            ? ("judge", await JudgeAsync(policy, request.PromptText, slmText, llmText, timeout.Token).ConfigureAwait(false))
            : AgreementScorer.Score(slmText, llmText, request.Labels is not null, request.Schema is not null || request.RequiresJsonObject);
        if (double.IsNaN(score))
        {
            return null;
        }

        metrics.ShadowComparisons.WithLabels(policy.ModelAlias, method).Inc();
        metrics.ShadowAgreement.WithLabels(policy.ModelAlias, method).Observe(score);
        return score;
    }

    /// <summary>
    /// Promotion gate: a sampled copy of the request goes to the policy's candidate SlmDeployment after
    /// the client has its answer, and the candidate's answer is compared with that answer (the
    /// reference side). Counted in <c>slm_router_candidate_samples_total{agreed}</c>, which the operator
    /// turns into <c>status.candidate</c> and the <c>CandidateReady</c> condition. No LLM call is made.
    /// </summary>
    public void MaybeCandidate(RoutingPolicySpec policy, ParsedRequest request, string answer)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(request);
        if (policy.Candidate is not { } candidate || request.Stream || !sampler.Sample(candidate.SampleRate))
        {
            return;
        }

        if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            metrics.RecordShadowSkipped(policy.ModelAlias, "in_flight_limit");
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(policy.Slm.TimeoutMilliseconds));
                var id = "candidate-" + Guid.NewGuid().ToString("N");
                var deployment = candidate.DeploymentRef.Name;
                var reply = request.Labels is not null
                    ? await slm.ClassifyAsync(deployment, SlmRequestFactory.Classify(request, id), timeout.Token).ConfigureAwait(false)
                    : await slm.GenerateAsync(deployment, SlmRequestFactory.Generate(request, 1, id), timeout.Token).ConfigureAwait(false);
                var (_, score) = AgreementScorer.Score(SlmAnswerWriter.Content(request, reply), answer, request.Labels is not null, request.Schema is not null || request.RequiresJsonObject);
                if (!double.IsNaN(score))
                {
                    var agreed = score >= (policy.Escalation?.Calibration ?? new CalibrationSpec()).AgreeAt;
                    metrics.CandidateSamples.WithLabels(policy.ModelAlias, deployment, agreed ? "true" : "false").Inc();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SlmUnavailableException or SlmRejectedException)
            {
                if (ex is SlmUnavailableException)
                {
                    // A candidate with minReplicas 0 gets only these copies: they must bring it back from zero too.
                    demand.Record(candidate.DeploymentRef.Name);
                }

                RouterLog.ShadowFailed(logger, policy.ModelAlias, "candidate: " + ex.GetType().Name);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        });
    }

    private static bool IsLlmJudged(ShadowSpec shadow) => string.Equals(shadow.Judge, "llm", StringComparison.Ordinal);

    /// <summary>False (and the skip counted) when the policy's budget is exhausted: no LLM call is made for a shadow then.</summary>
    private bool BudgetAllows(RoutingPolicySpec policy)
    {
        if (!budget.State(policy.ModelAlias, policy.Budget).Exhausted)
        {
            return true;
        }

        metrics.RecordShadowSkipped(policy.ModelAlias, "budget");
        return false;
    }

    /// <summary>Asks the LLM to grade the SLM's answer against its own; NaN when the grade is not a number in 0..1.</summary>
    private async Task<double> JudgeAsync(RoutingPolicySpec policy, string prompt, string slmAnswer, string llmAnswer, CancellationToken cancellationToken)
    {
        var instruction = new StringBuilder()
            .Append("You grade answers. Given a request, a reference answer and a candidate answer, reply with only a number from 0 to 1: ")
            .Append("how well the candidate agrees with the reference in meaning and correctness.\n\nRequest:\n").Append(prompt)
            .Append("\n\nReference answer:\n").Append(llmAnswer)
            .Append("\n\nCandidate answer:\n").Append(slmAnswer)
            .ToString();
        var body = JsonSerializer.SerializeToUtf8Bytes(new ChatCompletionRequest
        {
            Model = policy.Llm.Model,
            Messages = [new ChatMessageDto { Role = "user", Content = instruction }],
            Temperature = 0,
            MaxTokens = 8,
        }, RouterJsonContext.Default.ChatCompletionRequest);
        var result = await llm.CallAsync(body, "chat/completions", policy.Llm, cancellationToken).ConfigureAwait(false);
        budget.Record(policy.ModelAlias, policy.Budget, LlmClient.Cost(policy.Llm, result.PromptTokens, result.CompletionTokens));
        return double.TryParse(result.Content?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var grade) && grade is >= 0 and <= 1
            ? grade
            : double.NaN;
    }
}
