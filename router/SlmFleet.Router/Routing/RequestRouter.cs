using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Polly;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Budget;
using SlmFleet.Router.Buffers;
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
    ClientKeyAuthenticator authenticator,
    ClientRateLimiter rateLimiter,
    SlmClient slm,
    LlmForwarder llm,
    BudgetTracker budget,
    ShadowRunner shadow,
    IResponseSchemaValidator schemaValidator,
    RouterMetrics metrics,
    TimeProvider time,
    ILogger<RequestRouter> logger)
{
    public const string RouteHeader = "x-slmfleet-route";
    public const string ReasonHeader = "x-slmfleet-reason";
    public const string ConfidenceHeader = "x-slmfleet-confidence";
    public const string RuleHeader = "x-slmfleet-rule";

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

        var (route, reason) = await RouteAsync(context, request, resolved, body.WrittenMemory).ConfigureAwait(false);
        metrics.RecordRequest(resolved.Model, route, reason, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private RequestError? Admit(HttpContext context)
    {
        string? client = null;
        if (authenticator.Enabled)
        {
            var presented = BearerToken(context.Request.Headers.Authorization.ToString());
            var keyId = authenticator.Authenticate(presented);
            if (keyId is null)
            {
                return new RequestError(401, presented.IsEmpty
                    ? "Missing API key: send 'Authorization: Bearer <key>'."
                    : "Invalid API key.", OpenAiErrors.Authentication, null, "invalid_api_key");
            }

            client = keyId;
        }

        if (rateLimiter.Enabled && rateLimiter.TryAcquire(client ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown") is { } retryAfter)
        {
            return new RequestError(429, $"Rate limit of {options.RateLimitPerSecond.ToString(CultureInfo.InvariantCulture)} requests/s per client exceeded; retry after {retryAfter}s.", OpenAiErrors.RateLimit, null, "rate_limit_exceeded")
            {
                RetryAfter = retryAfter,
            };
        }

        return context.Request.ContentLength > options.MaxRequestBodyBytes ? TooLarge() : null;
    }

    private RequestError TooLarge() =>
        new(413, $"The request body exceeds the limit of {options.MaxRequestBodyBytes} bytes.", OpenAiErrors.InvalidRequest, null, "request_too_large");

    private const string FleetFullRetryAfterKey = "slmfleet.fleet-full-retry-after";

    private async Task<(string Route, string Reason)> RouteAsync(HttpContext context, ParsedRequest request, ResolvedModel resolved, ReadOnlyMemory<byte> body)
    {
        if (resolved.Policy is not { } policy)
        {
            var (outcome, answer, rejected) = await TrySlmAsync(context, request, resolved.Deployment, TimeSpan.FromMinutes(10), 1).ConfigureAwait(false);
            if (rejected is not null)
            {
                await FailAsync(context, rejected).ConfigureAwait(false);
                return ("none", "rejected");
            }

            var direct = RoutingDecider.JudgeDirect(outcome);
            return await FinishSlmAsync(context, request, resolved, null, direct, answer, null, body).ConfigureAwait(false);
        }

        var features = FeatureExtractor.Extract(context.Request.Headers, request);
        var decision = RoutingDecider.Route(policy, features, budget.State(resolved.Model, policy.Budget));
        if (decision.Reject)
        {
            await FailAsync(context, BudgetRejected(resolved.Model)).ConfigureAwait(false);
            return ("none", RouteReasons.BudgetExhausted);
        }

        if (decision.Target == RouteTarget.Llm)
        {
            // A rule route is a routing choice, not an escalation: slm_router_requests_total{reason="rule"} counts it.
            return await ToLlmAsync(context, request, policy, resolved.Model, decision.Reason, decision.RuleName, null, body).ConfigureAwait(false);
        }

        var timeout = TimeSpan.FromMilliseconds(policy.Slm.TimeoutMilliseconds);
        for (var attempt = 1; ; attempt++)
        {
            var (outcome, answer, rejected) = await TrySlmAsync(context, request, resolved.Deployment, timeout, attempt).ConfigureAwait(false);
            if (rejected is not null)
            {
                await FailAsync(context, rejected).ConfigureAwait(false);
                return ("none", "rejected");
            }

            var verdict = RoutingDecider.Judge(policy, outcome, attempt, decision.Reason, budget.State(resolved.Model, policy.Budget));
            if (verdict.Confidence is { } confidence)
            {
                metrics.ObserveConfidence(resolved.Model, confidence);
            }

            switch (verdict.Action)
            {
                case VerdictAction.RetrySlm:
                    continue;
                case VerdictAction.Escalate:
                    metrics.RecordEscalation(resolved.Model, verdict.Reason);
                    return await ToLlmAsync(context, request, policy, resolved.Model, verdict.Reason, decision.RuleName, verdict.Confidence, body).ConfigureAwait(false);
                default:
                    if (verdict.Reason == RouteReasons.BudgetExhausted)
                    {
                        metrics.RecordEscalation(resolved.Model, RouteReasons.BudgetExhausted);
                    }

                    return await FinishSlmAsync(context, request, resolved, policy, verdict, answer, decision.RuleName, body).ConfigureAwait(false);
            }
        }
    }

    private async Task<(string Route, string Reason)> FinishSlmAsync(
        HttpContext context, ParsedRequest request, ResolvedModel resolved, RoutingPolicySpec? policy, SlmVerdict verdict, SlmAnswer? answer, string? rule, ReadOnlyMemory<byte> body)
    {
        if (verdict.Action == VerdictAction.Fail || answer is null)
        {
            var error = verdict.StatusCode switch
            {
                429 => BudgetRejected(resolved.Model),
                504 => new RequestError(504, $"The SLM for '{resolved.Model}' did not answer in time and escalation on timeout is off.", OpenAiErrors.Server, null, "slm_timeout"),
                _ when verdict.Reason == RouteReasons.BudgetExhausted => new RequestError(503, $"The SLM for '{resolved.Model}' could not answer and the LLM budget is exhausted.", OpenAiErrors.Server, null, "budget_exhausted"),
                _ when context.Items[FleetFullRetryAfterKey] is TimeSpan retryAfter => new RequestError(
                    429,
                    $"Every SLM replica of '{resolved.Deployment}' is at capacity (queue full) for '{resolved.Model}'; retry after {Math.Ceiling(retryAfter.TotalSeconds):F0} s.",
                    OpenAiErrors.RateLimit,
                    null,
                    "slm_overloaded")
                {
                    RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                _ => new RequestError(503, $"No SLM replica of '{resolved.Deployment}' could answer for '{resolved.Model}'.", OpenAiErrors.Server, null, "slm_unavailable"),
            };
            SetHeaders(context, "none", verdict.Reason, rule, verdict.Confidence);
            await FailAsync(context, error).ConfigureAwait(false);
            return ("none", verdict.Reason);
        }

        SetHeaders(context, "slm", verdict.Reason, rule, verdict.Confidence);
        var content = SlmAnswerWriter.Content(request, answer);
        await SlmAnswerWriter.WriteAsync(context, request, answer, content, time.GetUtcNow().ToUnixTimeSeconds(), "chatcmpl-" + context.TraceIdentifier).ConfigureAwait(false);
        metrics.RecordTokens(resolved.Model, "slm", answer.PromptTokens, answer.CompletionTokens);
        if (policy is not null)
        {
            metrics.AddSavings(resolved.Model, LlmClient.Cost(policy.Llm, answer.PromptTokens, answer.CompletionTokens));
            shadow.MaybeShadow(policy, request, body.Span, RouteTarget.Slm, content);
        }

        return ("slm", verdict.Reason);
    }

    private async Task<(string Route, string Reason)> ToLlmAsync(
        HttpContext context, ParsedRequest request, RoutingPolicySpec policy, string model, string reason, string? rule, double? confidence, ReadOnlyMemory<byte> body)
    {
        SetHeaders(context, "llm", reason, rule, confidence);
        LlmForwardResult result;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(policy.Llm.TimeoutSeconds));
            try
            {
                result = await llm.ForwardAsync(context, request, body, policy.Llm, policy.Shadow is { Enabled: true }, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested
                && ex is HttpRequestException or OperationCanceledException or ExecutionRejectedException)
            {
                RouterLog.LlmFailed(logger, model, ex.GetType().Name);
                await FailAsync(context, new RequestError(502, $"The LLM endpoint for '{model}' failed ({ex.GetType().Name}); the request was routed there because of '{reason}'.", OpenAiErrors.Server, null, "llm_unavailable")).ConfigureAwait(false);
                return ("none", reason);
            }
        }

        var cost = LlmClient.Cost(policy.Llm, result.PromptTokens, result.CompletionTokens);
        budget.Record(model, policy.Budget, cost);
        metrics.RecordTokens(model, "llm", result.PromptTokens, result.CompletionTokens);
        if (result.Content is { } content && result.Status < 400)
        {
            shadow.MaybeShadow(policy, request, body.Span, RouteTarget.Llm, content);
        }

        return ("llm", reason);
    }

    private async Task<(SlmOutcome Outcome, SlmAnswer? Answer, RequestError? Rejected)> TrySlmAsync(
        HttpContext context, ParsedRequest request, string deployment, TimeSpan timeout, int attempt)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        var id = context.TraceIdentifier;
        try
        {
            var answer = request.Labels is not null
                ? await slm.ClassifyAsync(deployment, SlmRequestFactory.Classify(request, id), deadline.Token).ConfigureAwait(false)
                : await slm.GenerateAsync(deployment, SlmRequestFactory.Generate(request, attempt, id), deadline.Token).ConfigureAwait(false);
            var outcome = new SlmOutcome(SlmOutcomeKind.Answered, answer.LabelConfidence, answer.MeanTokenProbability, answer.MinTokenProbability, SchemaSatisfied(request, answer));
            return (outcome, answer, null);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return (new SlmOutcome(SlmOutcomeKind.Timeout), null, null);
        }
        catch (SlmUnavailableException ex)
        {
            if (ex.RetryAfter is { } retryAfter)
            {
                // Read by FinishSlmAsync when the policy does not escalate: a full fleet answers 429, not 503.
                context.Items[FleetFullRetryAfterKey] = retryAfter;
            }

            return (new SlmOutcome(SlmOutcomeKind.Unavailable), null, null);
        }
        catch (SlmRejectedException ex)
        {
            return (new SlmOutcome(SlmOutcomeKind.Unavailable), null, new RequestError(400, $"The SLM refused the request: {ex.Message}", OpenAiErrors.InvalidRequest, "messages", "invalid_value"));
        }
    }

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

    private static RequestError BudgetRejected(string model) =>
        new(429, $"The monthly LLM budget of '{model}' is exhausted and its policy rejects LLM-bound requests (budget.whenExhausted: reject).", OpenAiErrors.RateLimit, null, "budget_exhausted");

    private static ReadOnlySpan<char> BearerToken(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header.AsSpan(7).Trim() : ReadOnlySpan<char>.Empty;

    private Task FailAsync(HttpContext context, RequestError error)
    {
        metrics.RecordClientError(error.Status, error.Code ?? "none");
        return OpenAiErrors.WriteAsync(context, error);
    }
}
