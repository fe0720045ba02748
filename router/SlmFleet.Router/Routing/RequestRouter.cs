using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Grpc.Core;
using Polly;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Inference.V1;
using SlmFleet.Router.Budget;
using SlmFleet.Router.Buffers;
using SlmFleet.Router.Calibration;
using SlmFleet.Router.Distillation;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Llm;
using SlmFleet.Router.Observability;
using SlmFleet.Router.OpenAi;
using SlmFleet.Router.Policies;
using SlmFleet.Router.Schema;
using SlmFleet.Router.Security;
using SlmFleet.Router.Shadow;
using SlmFleet.Router.Slm;

namespace SlmFleet.Router.Routing;

/// <summary>
/// The executor around <see cref="RoutingDecider"/>: admits a request (auth, rate limit, size,
/// parse), asks the decider where it goes, runs the SLM attempts and/or the LLM call, and writes the
/// answer with the <c>x-slmfleet-*</c> headers, metrics, spend and a shadow sample.
/// </summary>
internal sealed class RequestRouter(
    RouterOptions options,
    PolicyStore policies,
    ClientAdmission admission,
    SlmClient slm,
    LlmForwarder llm,
    BudgetTracker budget,
    ShadowRunner shadow,
    IResponseSchemaValidator schemaValidator,
    ThresholdCalibrator calibrator,
    DistillationWriter distillation,
    ColdStartGate coldStarts,
    RouterMetrics metrics,
    TimeProvider time,
    ILogger<RequestRouter> logger)
{
    public const string RouteHeader = "x-slmfleet-route";
    public const string ReasonHeader = "x-slmfleet-reason";
    public const string ConfidenceHeader = "x-slmfleet-confidence";
    public const string RuleHeader = "x-slmfleet-rule";

    /// <summary>On a request that found its SlmDeployment scaled to zero: the cold-start decision (hold, predicted_late, queue_full, no_wait, wait_expired).</summary>
    public const string ColdStartHeader = "x-slmfleet-cold-start";

    /// <summary>With <see cref="ColdStartHeader"/>: milliseconds the request was held for a replica.</summary>
    public const string ColdStartWaitHeader = "x-slmfleet-cold-start-wait-ms";

    /// <summary>With reason <c>unsupported</c>: the feature only the LLM can honour (tools, non_text_content, context…).</summary>
    public const string UnsupportedHeader = "x-slmfleet-unsupported";

    public async Task HandleAsync(HttpContext context, EndpointKind kind)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        var admission = Admit(context);
        if (admission is not null)
        {
            await FailAsync(context, admission).ConfigureAwait(false);
            return;
        }

        using var body = new PooledBufferWriter(context.Request.ContentLength is { } length and > 0 and < 1 << 20 ? (int)length : 4096);
        if (!await BodyReader.TryReadAsync(context.Request.BodyReader, body, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false))
        {
            await FailAsync(context, TooLarge()).ConfigureAwait(false);
            return;
        }

        var (request, error) = RequestParser.Parse(body.WrittenSpan, kind, context.Request.Headers["x-slmfleet-labels"].ToString());
        if (error is not null)
        {
            await FailAsync(context, error).ConfigureAwait(false);
            return;
        }

        if (!policies.Current.TryResolve(request!.Model, out var resolved))
        {
            var known = string.Join(", ", policies.Current.ModelNames.Take(20));
            await FailAsync(context, new RequestError(404, $"The model '{request.Model}' does not exist; known models: {(known.Length == 0 ? "(none)" : known)}.", OpenAiErrors.InvalidRequest, "model", "model_not_found")).ConfigureAwait(false);
            return;
        }

        var (route, reason) = await RouteAsync(context, request, resolved, body.WrittenMemory, started).ConfigureAwait(false);
        metrics.RecordRequest(resolved.Model, route, reason, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Client key and rate limit as every endpoint checks them (<see cref="ClientAdmission"/>), then the declared body size.</summary>
    private RequestError? Admit(HttpContext context) =>
        admission.Admit(context) ?? (context.Request.ContentLength > options.MaxRequestBodyBytes ? TooLarge() : null);

    private RequestError TooLarge() =>
        new(413, $"The request body exceeds the limit of {options.MaxRequestBodyBytes} bytes.", OpenAiErrors.InvalidRequest, null, "request_too_large");

    private const string FleetFullRetryAfterKey = "slmfleet.fleet-full-retry-after";

    /// <summary>Direct requests (a served model, no policy) stream at once: there is nothing to escalate to.</summary>
    private static readonly HoldBackSpec NoHoldBack = new() { Tokens = 0, Milliseconds = 0 };

    private async Task<(string Route, string Reason)> RouteAsync(HttpContext context, ParsedRequest request, ResolvedModel resolved, ReadOnlyMemory<byte> body, long started)
    {
        if (resolved.Policy is not { } policy)
        {
            if (request.Needs.Unsupported is { } feature)
            {
                metrics.RecordUnsupported(resolved.Model, feature.Feature);
                await FailAsync(context, UnsupportedByDirectModel(resolved.Model, feature)).ConfigureAwait(false);
                return ("none", RouteReasons.Unsupported);
            }

            if (coldStarts.IsCold(resolved.Deployment))
            {
                // Nothing to escalate to: hold up to the default objective, then the SLM path answers 503 if still cold.
                await AwaitColdStartAsync(context, resolved, DirectColdStart, canEscalate: false).ConfigureAwait(false);
            }

            if (StreamsLive(request))
            {
                return await StreamSlmAsync(context, request, resolved, null, null, body, started).ConfigureAwait(false);
            }

            var (outcome, answers, rejected) = await TrySlmAsync(context, request, resolved.Deployment, TimeSpan.FromMinutes(10), 1).ConfigureAwait(false);
            if (rejected is not null)
            {
                await FailAsync(context, rejected).ConfigureAwait(false);
                return ("none", "rejected");
            }

            var direct = RoutingDecider.JudgeDirect(outcome);
            return await FinishSlmAsync(context, request, resolved, null, direct, answers, null, body).ConfigureAwait(false);
        }

        var features = FeatureExtractor.Extract(context.Request.Headers, request);
        context.Items[TaskKey] = features.TaskType;
        var decision = RoutingDecider.Route(policy, features, budget.State(resolved.Model, policy.Budget));
        if (request.Needs.Unsupported is { } unsupported)
        {
            metrics.RecordUnsupported(resolved.Model, unsupported.Feature);
            context.Response.Headers[UnsupportedHeader] = unsupported.Feature;
        }

        if (decision.Reject)
        {
            await FailAsync(context, BudgetRejected(resolved.Model, request.Needs.Unsupported)).ConfigureAwait(false);
            return ("none", RouteReasons.BudgetExhausted);
        }

        if (decision.Target == RouteTarget.Llm)
        {
            // Rule and capability routes are routing choices, not escalations: slm_router_requests_total{reason} counts them.
            return await ToLlmAsync(context, request, policy, resolved.Model, decision.Reason, decision.RuleName, null, body).ConfigureAwait(false);
        }

        if (coldStarts.IsCold(resolved.Deployment))
        {
            // With the budget spent under slm-only there is no LLM to go to: hold for the replica instead, and
            // if none is ready in time the SLM path answers as it does for an unavailable fleet.
            var canEscalate = !budget.State(resolved.Model, policy.Budget).Exhausted;
            var cold = await AwaitColdStartAsync(context, resolved, policy.Slm.ColdStart, canEscalate).ConfigureAwait(false);
            if (!cold.Ready && canEscalate)
            {
                return await EscalateAsync(context, request, policy, resolved.Model, new SlmVerdict(VerdictAction.Escalate, RouteReasons.ColdStart, null), decision.RuleName, body).ConfigureAwait(false);
            }
        }

        if (StreamsLive(request))
        {
            return await StreamSlmAsync(context, request, resolved, policy, decision, body, started).ConfigureAwait(false);
        }

        var timeout = TimeSpan.FromMilliseconds(policy.Slm.TimeoutMilliseconds);
        for (var attempt = 1; ; attempt++)
        {
            var (outcome, answers, rejected) = await TrySlmAsync(context, request, resolved.Deployment, timeout, attempt).ConfigureAwait(false);
            if (rejected is not null)
            {
                await FailAsync(context, rejected).ConfigureAwait(false);
                return ("none", "rejected");
            }

            var verdict = Judge(context, policy, outcome, attempt, decision.Reason, resolved.Model);
            if (verdict.Confidence is { } confidence)
            {
                metrics.ObserveConfidence(resolved.Model, confidence);
            }

            switch (verdict.Action)
            {
                case VerdictAction.RetrySlm:
                    continue;
                case VerdictAction.Escalate:
                    return await EscalateAsync(context, request, policy, resolved.Model, verdict, decision.RuleName, body, answers is { Count: > 0 } ? SlmAnswerWriter.Content(request, answers[0]) : null).ConfigureAwait(false);
                default:
                    if (verdict.Reason == RouteReasons.BudgetExhausted)
                    {
                        metrics.RecordEscalation(resolved.Model, RouteReasons.BudgetExhausted);
                    }

                    return await FinishSlmAsync(context, request, resolved, policy, verdict, answers, decision.RuleName, body).ConfigureAwait(false);
            }
        }
    }

    private const string TaskKey = "slmfleet.task";

    /// <summary>A direct request (no policy) to a fleet at zero is held with the CRD's default objective.</summary>
    private static readonly ColdStartSpec DirectColdStart = new();

    /// <summary>Runs a cold request through the gate and makes its fate visible: headers, metric, log.</summary>
    private async Task<ColdStartOutcome> AwaitColdStartAsync(HttpContext context, ResolvedModel resolved, ColdStartSpec spec, bool canEscalate)
    {
        var outcome = await coldStarts.AwaitAsync(resolved.Deployment, spec, canEscalate, context.RequestAborted).ConfigureAwait(false);
        var held = (long)outcome.Held.TotalMilliseconds;
        context.Response.Headers[ColdStartHeader] = outcome.Decision;
        context.Response.Headers[ColdStartWaitHeader] = held.ToString(CultureInfo.InvariantCulture);
        metrics.RecordColdStart(resolved.Model, outcome.Decision, outcome.Held.TotalSeconds);
        RouterLog.ColdStart(logger, resolved.Model, resolved.Deployment, outcome.Decision, held);
        return outcome;
    }

    private static string? TaskOf(HttpContext context) => context.Items[TaskKey] as string;

    /// <summary>Judges an SLM outcome against the threshold in force for the request's task (calibrated, after the budget curve).</summary>
    private SlmVerdict Judge(HttpContext context, RoutingPolicySpec policy, SlmOutcome outcome, int attempt, string initialReason, string model)
    {
        var state = budget.State(model, policy.Budget);
        return RoutingDecider.Judge(policy, outcome, attempt, initialReason, state, calibrator.Threshold(policy, TaskOf(context), state));
    }

    /// <summary>
    /// Generation streams live (through the hold-back window). Classification is one scoring call, and
    /// a json_schema / json_object answer is held to its end where it can be checked (the worker does
    /// not constrain its decoding yet); both are then written as a stream in one go.
    /// </summary>
    // Schema-bound answers stream live: the worker decodes under the schema, so every prefix it sends
    // is a prefix of valid JSON (a schema it cannot compile is refused before the first byte).
    private static bool StreamsLive(ParsedRequest request) =>
        request.Stream && request.Labels is null;

    private Task<(string Route, string Reason)> EscalateAsync(
        HttpContext context, ParsedRequest request, RoutingPolicySpec policy, string model, SlmVerdict verdict, string? rule, ReadOnlyMemory<byte> body, string? slmAnswer = null)
    {
        if (verdict.Reason == RouteReasons.Unsupported)
        {
            // The worker found the request longer than its context, or cannot constrain its output to the
            // schema: a capability route, not an escalation.
            var feature = verdict.Feature ?? "context";
            metrics.RecordUnsupported(model, feature);
            context.Response.Headers[UnsupportedHeader] = feature;
        }
        else
        {
            metrics.RecordEscalation(model, verdict.Reason);
        }

        return ToLlmAsync(context, request, policy, model, verdict.Reason, rule, verdict.Confidence, body, slmAnswer);
    }

    private async Task<(string Route, string Reason)> FinishSlmAsync(
        HttpContext context, ParsedRequest request, ResolvedModel resolved, RoutingPolicySpec? policy, SlmVerdict verdict, IReadOnlyList<SlmAnswer>? answers, string? rule, ReadOnlyMemory<byte> body)
    {
        if (verdict.Action == VerdictAction.Fail || answers is null)
        {
            SetHeaders(context, "none", verdict.Reason, rule, verdict.Confidence);
            await FailAsync(context, SlmFailure(context, resolved, verdict)).ConfigureAwait(false);
            return ("none", verdict.Reason);
        }

        SetHeaders(context, "slm", verdict.Reason, rule, verdict.Confidence);
        var contents = answers.Select(a => SlmAnswerWriter.Content(request, a)).ToArray();
        await SlmAnswerWriter.WriteAsync(context, request, answers, contents, time.GetUtcNow().ToUnixTimeSeconds(), "chatcmpl-" + context.TraceIdentifier).ConfigureAwait(false);
        var usage = SlmAnswerWriter.Usage(answers);
        RecordSlmServed(resolved.Model, policy, usage);
        if (policy is not null)
        {
            shadow.MaybeShadow(policy, request, body.Span, RouteTarget.Slm, contents[0], verdict.Confidence, TaskOf(context));
            shadow.MaybeCandidate(policy, request, contents[0]);
        }

        return ("slm", verdict.Reason);
    }

    private void RecordSlmServed(string model, RoutingPolicySpec? policy, UsageDto usage)
    {
        metrics.RecordTokens(model, "slm", usage.PromptTokens, usage.CompletionTokens);
        if (policy is not null)
        {
            metrics.AddSavings(model, LlmClient.Cost(policy.Llm, usage.PromptTokens, usage.CompletionTokens));
        }
    }

    private static RequestError SlmFailure(HttpContext context, ResolvedModel resolved, SlmVerdict verdict) => verdict.StatusCode switch
    {
        400 when verdict.Feature == "schema" => new RequestError(400, $"The SLM serving '{resolved.Model}' cannot constrain its output to this response_format (the schema uses a keyword it cannot guarantee, or is unsatisfiable or too large); simplify the schema, or call it through a routing policy alias, which sends such requests to the LLM.", OpenAiErrors.InvalidRequest, "response_format", "unsupported_schema"),
        400 => ContextExceeded(resolved.Model),
        429 => BudgetRejected(resolved.Model, null),
        504 => new RequestError(504, $"The SLM for '{resolved.Model}' did not answer in time and escalation on timeout is off.", OpenAiErrors.Server, null, "slm_timeout"),
        _ when verdict.Reason == RouteReasons.BudgetExhausted => new RequestError(503, $"The SLM for '{resolved.Model}' could not answer and the LLM budget is exhausted.", OpenAiErrors.Server, null, "budget_exhausted"),
        _ when context.Items[FleetFullRetryAfterKey] is TimeSpan retryAfter => new RequestError(
            429,
            $"Every SLM replica of '{resolved.Deployment}' is at capacity (queue full) for '{resolved.Model}'; retry after {Math.Ceiling(retryAfter.TotalSeconds):F0} s.",
            OpenAiErrors.RateLimit,
            null,
            "slm_overloaded")
        {
            RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
        },
        _ => new RequestError(503, $"No SLM replica of '{resolved.Deployment}' could answer for '{resolved.Model}'.", OpenAiErrors.Server, null, "slm_unavailable"),
    };

    /// <summary>
    /// Streams an SLM generation. The first tokens are withheld (the policy's hold-back window) while
    /// confidence over them is measured; if the policy escalates inside the window the worker is
    /// cancelled and the client receives only the LLM's answer. Once the window closes the stream is
    /// committed: the held tokens are sent and the rest is relayed as the worker produces it. The
    /// SLM timeout runs until the commit; after it, a broken worker stream ends with an error event,
    /// never with <c>[DONE]</c>.
    /// </summary>
    private async Task<(string Route, string Reason)> StreamSlmAsync(
        HttpContext context, ParsedRequest request, ResolvedModel resolved, RoutingPolicySpec? policy, RouteDecision? decision, ReadOnlyMemory<byte> body, long started)
    {
        var hold = policy?.Slm.HoldBack ?? NoHoldBack;
        var timeout = policy is null ? TimeSpan.FromMinutes(10) : TimeSpan.FromMilliseconds(policy.Slm.TimeoutMilliseconds);
        var choices = request.Needs.Choices;
        using var life = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var committed = 0;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var expiry = deadline.Token.Register(() =>
        {
            if (Volatile.Read(ref committed) == 0)
            {
                life.Cancel();
            }
        });

        SlmStream[]? streams = null;
        CancellationTokenSource? attemptLife = null;
        try
        {
            Channel<(int Choice, GenerateResponse Message)> merged;
            HoldBackWindow window;
            List<(int Choice, GenerateResponse Message)> held;
            for (var attempt = 1; ; attempt++)
            {
                attemptLife?.Dispose();
                attemptLife = CancellationTokenSource.CreateLinkedTokenSource(life.Token);
                // Token probabilities are only needed when a window is judged on them; otherwise the worker would decode each token's text for nothing.
                var judged = policy is not null && hold.Tokens > 0;
                var (opened, failed, rejected) = await OpenStreamsAsync(context, request, resolved.Deployment, choices, judged, attemptLife.Token).ConfigureAwait(false);
                if (rejected is not null)
                {
                    await FailAsync(context, rejected).ConfigureAwait(false);
                    return ("none", "rejected");
                }

                if (failed is not null)
                {
                    return await JudgeStreamFailureAsync(context, request, resolved, policy, decision, failed, body).ConfigureAwait(false);
                }

                streams = opened!;
                merged = Channel.CreateUnbounded<(int Choice, GenerateResponse Message)>(new UnboundedChannelOptions { SingleReader = true });
                var pumping = choices;
                for (var i = 0; i < choices; i++)
                {
                    _ = PumpAsync(streams[i], i, merged.Writer, () => Interlocked.Decrement(ref pumping) == 0, attemptLife.Token);
                }

                window = new HoldBackWindow(choices, hold.Tokens, TimeSpan.FromMilliseconds(hold.Milliseconds));
                held = [];
                try
                {
                    while (!window.Closed(Stopwatch.GetElapsedTime(started)) && await merged.Reader.WaitToReadAsync(attemptLife.Token).ConfigureAwait(false))
                    {
                        while (merged.Reader.TryRead(out var item))
                        {
                            held.Add(item);
                            window.Add(item.Choice, item.Message);
                        }
                    }
                }
                catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && IsStreamFailure(ex))
                {
                    if (attempt == 1 && !deadline.IsCancellationRequested && Array.Exists(streams, s => s.Broken))
                    {
                        // A replica broke inside the window: nothing reached the client, so eject it and start
                        // again on another, as a call that fails before its answer is complete is retried.
                        foreach (var stream in streams)
                        {
                            if (stream.Broken)
                            {
                                stream.Eject(time.GetUtcNow());
                            }

                            stream.Dispose();
                        }

                        await attemptLife.CancelAsync().ConfigureAwait(false);
                        streams = null;
                        continue;
                    }

                    var kind = deadline.IsCancellationRequested ? SlmOutcomeKind.Timeout : SlmOutcomeKind.Unavailable;
                    return await JudgeStreamFailureAsync(context, request, resolved, policy, decision, new SlmOutcome(kind), body).ConfigureAwait(false);
                }

                break;
            }

            var (mean, min) = window.Confidence();
            var outcome = new SlmOutcome(SlmOutcomeKind.Answered, null, mean, min);
            var verdict = policy is null
                ? RoutingDecider.JudgeDirect(outcome)
                : hold.Tokens == 0
                    // No window: the stream is committed before any token exists, so there is no confidence to judge.
                    ? new SlmVerdict(VerdictAction.Accept, decision!.Reason, null)
                    : Judge(context, policy, outcome, 1, decision!.Reason, resolved.Model);
            if (verdict.Confidence is { } confidence && policy is not null)
            {
                metrics.ObserveConfidence(resolved.Model, confidence);
            }

            if (verdict.Action == VerdictAction.Escalate)
            {
                // Nothing has reached the client yet: the LLM's stream will be the whole answer.
                life.Cancel();
                return await EscalateAsync(context, request, policy!, resolved.Model, verdict, decision!.RuleName, body).ConfigureAwait(false);
            }

            if (verdict.Action == VerdictAction.Fail)
            {
                life.Cancel();
                return await FinishSlmAsync(context, request, resolved, policy, verdict, null, decision?.RuleName, body).ConfigureAwait(false);
            }

            if (verdict.Reason == RouteReasons.BudgetExhausted)
            {
                metrics.RecordEscalation(resolved.Model, RouteReasons.BudgetExhausted);
            }

            Volatile.Write(ref committed, 1);
            SetHeaders(context, "slm", verdict.Reason, decision?.RuleName, verdict.Confidence);
            var writer = new SlmChunkWriter(context, request, "chatcmpl-" + context.TraceIdentifier, time.GetUtcNow().ToUnixTimeSeconds());
            await writer.StartAsync(choices).ConfigureAwait(false);
            foreach (var (choice, message) in held)
            {
                await writer.WriteAsync(choice, message).ConfigureAwait(false);
            }

            try
            {
                while (await merged.Reader.WaitToReadAsync(life.Token).ConfigureAwait(false))
                {
                    while (merged.Reader.TryRead(out var item))
                    {
                        window.Add(item.Choice, item.Message);
                        await writer.WriteAsync(item.Choice, item.Message).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && IsStreamFailure(ex))
            {
                RouterLog.SlmStreamBroken(logger, resolved.Model, ex.GetType().Name);
                await writer.InterruptAsync().ConfigureAwait(false);
                return ("slm", verdict.Reason);
            }

            var usage = new UsageDto
            {
                PromptTokens = window.Final[0]?.Usage?.PromptTokens ?? 0,
                CompletionTokens = window.Final.Sum(f => f?.Usage?.CompletionTokens ?? 0),
            };
            usage.TotalTokens = usage.PromptTokens + usage.CompletionTokens;
            await writer.EndAsync(usage).ConfigureAwait(false);
            RecordSlmServed(resolved.Model, policy, usage);
            return ("slm", verdict.Reason);
        }
        finally
        {
            await life.CancelAsync().ConfigureAwait(false);
            attemptLife?.Dispose();
            if (streams is not null)
            {
                foreach (var stream in streams)
                {
                    stream.Dispose();
                }
            }
        }
    }

    /// <summary>Opens one worker stream per choice; if any fails the others are closed and the failure is returned as an outcome.</summary>
    private async Task<(SlmStream[]? Streams, SlmOutcome? Failed, RequestError? Rejected)> OpenStreamsAsync(
        HttpContext context, ParsedRequest request, string deployment, int choices, bool tokenProbabilities, CancellationToken cancellationToken)
    {
        var id = context.TraceIdentifier;
        var opening = new Task<SlmStream>[choices];
        for (var i = 0; i < choices; i++)
        {
            opening[i] = slm.OpenStreamAsync(deployment, SlmRequestFactory.Generate(request, 1, id, i, tokenProbabilities), cancellationToken);
        }

        try
        {
            return (await Task.WhenAll(opening).ConfigureAwait(false), null, null);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or SlmUnavailableException or SlmRejectedException or RpcException)
        {
            foreach (var task in opening)
            {
                if (task.IsCompletedSuccessfully)
                {
                    task.Result.Dispose();
                }
            }

            return ex switch
            {
                OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled or StatusCode.DeadlineExceeded } => (null, new SlmOutcome(SlmOutcomeKind.Timeout), null),
                SlmUnavailableException unavailable => (null, Unavailable(context, unavailable), null),
                SlmRejectedException { TooLong: true } => (null, new SlmOutcome(SlmOutcomeKind.TooLong), null),
                SlmRejectedException { SchemaUnsupported: true } => (null, new SlmOutcome(SlmOutcomeKind.SchemaUnsupported), null),
                SlmRejectedException rejected => (null, null, WorkerRejected(rejected)),
                _ => (null, new SlmOutcome(SlmOutcomeKind.Unavailable), null),
            };
        }
    }

    private async Task<(string Route, string Reason)> JudgeStreamFailureAsync(
        HttpContext context, ParsedRequest request, ResolvedModel resolved, RoutingPolicySpec? policy, RouteDecision? decision, SlmOutcome outcome, ReadOnlyMemory<byte> body)
    {
        if (policy is null)
        {
            if (outcome.Kind == SlmOutcomeKind.TooLong)
            {
                await FailAsync(context, ContextExceeded(resolved.Model)).ConfigureAwait(false);
                return ("none", RouteReasons.Unsupported);
            }

            return await FinishSlmAsync(context, request, resolved, null, RoutingDecider.JudgeDirect(outcome), null, null, body).ConfigureAwait(false);
        }

        var verdict = Judge(context, policy, outcome, 1, decision!.Reason, resolved.Model);
        return verdict.Action == VerdictAction.Escalate
            ? await EscalateAsync(context, request, policy, resolved.Model, verdict, decision.RuleName, body).ConfigureAwait(false)
            : await FinishSlmAsync(context, request, resolved, policy, verdict, null, decision.RuleName, body).ConfigureAwait(false);
    }

    /// <summary>Copies one worker stream into the merged channel; the last pump to finish completes it, a failing one completes it with the error.</summary>
    private static async Task PumpAsync(SlmStream stream, int choice, ChannelWriter<(int, GenerateResponse)> into, Func<bool> isLast, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in stream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                into.TryWrite((choice, message));
            }

            if (isLast())
            {
                into.TryComplete();
            }
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                // The replica failed (not this router cancelling): a retry must go elsewhere.
                stream.MarkBroken();
            }

            into.TryComplete(ex);
        }
    }

    private static bool IsStreamFailure(Exception ex) =>
        ex is RpcException or OperationCanceledException or IOException or ChannelClosedException;

    private async Task<(string Route, string Reason)> ToLlmAsync(
        HttpContext context, ParsedRequest request, RoutingPolicySpec policy, string model, string reason, string? rule, double? confidence, ReadOnlyMemory<byte> body, string? slmAnswer = null)
    {
        SetHeaders(context, "llm", reason, rule, confidence);
        LlmForwardResult result;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(policy.Llm.TimeoutSeconds));
            try
            {
                // The answer's text is parsed out only when a shadow comparison or the distillation set needs it.
                var keepContent = policy.Shadow is { Enabled: true } || policy.Distillation is { Enabled: true };
                result = await llm.ForwardAsync(
                    context, request, body, policy.Llm, keepContent,
                    (prompt, completion) =>
                    {
                        budget.Record(model, policy.Budget, LlmClient.Cost(policy.Llm, prompt, completion));
                        metrics.RecordTokens(model, "llm", prompt, completion);
                    },
                    timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested
                && ex is HttpRequestException or OperationCanceledException or ExecutionRejectedException)
            {
                RouterLog.LlmFailed(logger, model, ex.GetType().Name);
                await FailAsync(context, new RequestError(502, $"The LLM endpoint for '{model}' failed ({ex.GetType().Name}); the request was routed there because of '{reason}'.", OpenAiErrors.Server, null, "llm_unavailable")).ConfigureAwait(false);
                return ("none", reason);
            }
        }

        if (result.Status < 400)
        {
            distillation.Record(policy, request, reason, result.Content, slmAnswer, confidence, TaskOf(context));
        }

        if (result.Content is { } content && result.Status < 400)
        {
            shadow.MaybeShadow(policy, request, body.Span, RouteTarget.Llm, content, confidence, TaskOf(context));
            shadow.MaybeCandidate(policy, request, content);
        }

        return ("llm", reason);
    }

    /// <summary>
    /// One SLM attempt: <c>n</c> generations side by side (each choice its own seed), or one
    /// classification shared by every choice. The attempt's confidence is its least confident choice's,
    /// and the schema must hold for every choice.
    /// </summary>
    private async Task<(SlmOutcome Outcome, IReadOnlyList<SlmAnswer>? Answers, RequestError? Rejected)> TrySlmAsync(
        HttpContext context, ParsedRequest request, string deployment, TimeSpan timeout, int attempt)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        var id = context.TraceIdentifier;
        try
        {
            SlmAnswer[] answers;
            if (request.Labels is not null)
            {
                var label = await slm.ClassifyAsync(deployment, SlmRequestFactory.Classify(request, id), deadline.Token).ConfigureAwait(false);
                answers = Enumerable.Repeat(label, request.Needs.Choices).ToArray();
            }
            else if (request.Needs.Choices == 1)
            {
                answers = [await slm.GenerateAsync(deployment, SlmRequestFactory.Generate(request, attempt, id), deadline.Token).ConfigureAwait(false)];
            }
            else
            {
                answers = await Task.WhenAll(Enumerable.Range(0, request.Needs.Choices)
                    .Select(choice => slm.GenerateAsync(deployment, SlmRequestFactory.Generate(request, attempt, id, choice), deadline.Token))).ConfigureAwait(false);
            }

            var schemaSatisfied = answers.Select(a => SchemaSatisfied(request, a)).Aggregate((bool?)null, (all, one) => one is null ? all : (all ?? true) && one.Value);
            var outcome = new SlmOutcome(
                SlmOutcomeKind.Answered,
                answers[0].LabelConfidence,
                answers.Min(a => a.MeanTokenProbability),
                answers.Min(a => a.MinTokenProbability),
                schemaSatisfied);
            return (outcome, answers, null);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return (new SlmOutcome(SlmOutcomeKind.Timeout), null, null);
        }
        catch (SlmUnavailableException ex)
        {
            return (Unavailable(context, ex), null, null);
        }
        catch (SlmRejectedException ex) when (ex.TooLong)
        {
            return (new SlmOutcome(SlmOutcomeKind.TooLong), null, null);
        }
        catch (SlmRejectedException ex) when (ex.SchemaUnsupported)
        {
            return (new SlmOutcome(SlmOutcomeKind.SchemaUnsupported), null, null);
        }
        catch (SlmRejectedException ex)
        {
            return (new SlmOutcome(SlmOutcomeKind.Unavailable), null, WorkerRejected(ex));
        }
    }

    private static SlmOutcome Unavailable(HttpContext context, SlmUnavailableException ex)
    {
        if (ex.RetryAfter is { } retryAfter)
        {
            // Read by SlmFailure when the policy does not escalate: a full fleet answers 429, not 503.
            context.Items[FleetFullRetryAfterKey] = retryAfter;
        }

        return new SlmOutcome(SlmOutcomeKind.Unavailable);
    }

    private static RequestError WorkerRejected(SlmRejectedException ex) =>
        new(400, $"The SLM refused the request: {ex.Message}", OpenAiErrors.InvalidRequest, "messages", "invalid_value");

    private static RequestError ContextExceeded(string model) =>
        new(400, $"The request does not fit the context of the SLM serving '{model}' (prompt plus max_tokens); shorten the prompt or lower max_tokens, or call it through a routing policy that can send it to the LLM.", OpenAiErrors.InvalidRequest, "messages", "context_length_exceeded");

    private static RequestError UnsupportedByDirectModel(string model, UnsupportedFeature feature) =>
        new(400, $"'{feature.Param}' asks for {Describe(feature)}, which the SLM serving '{model}' cannot do; call it through a routing policy alias, which sends such requests to the LLM.", OpenAiErrors.InvalidRequest, feature.Param, "unsupported_parameter");

    private static string Describe(UnsupportedFeature feature) => feature.Feature switch
    {
        "tools" => "tool calling",
        "non_text_content" => $"a '{feature.Detail}' content part",
        "audio" => "audio input or output",
        "web_search" => "web search",
        "logit_bias" => "logit bias",
        "penalties" => "a presence or frequency penalty",
        "completion_options" => $"'{feature.Param}'",
        "logprobs" => "token log-probabilities of a classification",
        _ => feature.Feature,
    };

    private bool? SchemaSatisfied(ParsedRequest request, SlmAnswer answer)
    {
        if (request.Labels is not null || (request.Schema is null && !request.RequiresJsonObject))
        {
            // A classification answer is one of the labels by construction, so it satisfies its enum schema.
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(answer.Text);
            return request.Schema is { } schema
                ? schemaValidator.Validate(schema, document.RootElement) is null
                : document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void SetHeaders(HttpContext context, string route, string reason, string? rule, double? confidence)
    {
        var headers = context.Response.Headers;
        headers[RouteHeader] = route;
        headers[ReasonHeader] = reason;
        if (rule is not null)
        {
            headers[RuleHeader] = rule;
        }

        if (confidence is { } value)
        {
            headers[ConfidenceHeader] = value.ToString("0.0000", CultureInfo.InvariantCulture);
        }
    }

    private static RequestError BudgetRejected(string model, UnsupportedFeature? unsupported) => unsupported is null
        ? new(429, $"The monthly LLM budget of '{model}' is exhausted and its policy rejects LLM-bound requests (budget.whenExhausted: reject).", OpenAiErrors.RateLimit, null, "budget_exhausted")
        : new(429, $"The monthly LLM budget of '{model}' is exhausted, and '{unsupported.Param}' asks for {Describe(unsupported)}, which only the LLM can do.", OpenAiErrors.RateLimit, null, "budget_exhausted");

    private Task FailAsync(HttpContext context, RequestError error)
    {
        metrics.RecordClientError(error.Status, error.Code ?? "none");
        return OpenAiErrors.WriteAsync(context, error);
    }
}
