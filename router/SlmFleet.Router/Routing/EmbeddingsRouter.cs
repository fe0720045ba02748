using System.Diagnostics;
using Polly;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Budget;
using SlmFleet.Router.Buffers;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Llm;
using SlmFleet.Router.Observability;
using SlmFleet.Router.OpenAi;
using SlmFleet.Router.Policies;
using SlmFleet.Router.Security;

namespace SlmFleet.Router.Routing;

/// <summary>
/// <c>POST /v1/embeddings</c>. SLM workers serve no embeddings, so there is nothing to route: a policy
/// that names an embeddings model (<c>spec.llm.embeddingsModel</c>) has the request forwarded to its
/// LLM endpoint (same key, base URL, timeout and budget; input tokens at the input price); any other
/// model gets a 404 that says what to configure instead. The answer's <c>model</c> is the alias.
/// </summary>
internal sealed class EmbeddingsRouter(
    RouterOptions options,
    PolicyStore policies,
    ClientAdmission admission,
    LlmForwarder llm,
    BudgetTracker budget,
    RouterMetrics metrics,
    ILogger<EmbeddingsRouter> logger)
{
    /// <summary>The <c>reason</c> label of embeddings requests in <c>slm_router_requests_total</c>.</summary>
    public const string Reason = "embeddings";

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        if (admission.Admit(context) is { } refused)
        {
            await FailAsync(context, refused).ConfigureAwait(false);
            return;
        }

        using var body = new PooledBufferWriter(context.Request.ContentLength is { } length and > 0 and < 1 << 20 ? (int)length : 4096);
        if (context.Request.ContentLength > options.MaxRequestBodyBytes
            || !await BodyReader.TryReadAsync(context.Request.BodyReader, body, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false))
        {
            await FailAsync(context, new RequestError(413, $"The request body exceeds the limit of {options.MaxRequestBodyBytes} bytes.", OpenAiErrors.InvalidRequest, null, "request_too_large")).ConfigureAwait(false);
            return;
        }

        var (model, error) = EmbeddingsRequestParser.Parse(body.WrittenSpan);
        if (error is not null)
        {
            await FailAsync(context, error).ConfigureAwait(false);
            return;
        }

        var catalog = policies.Current;
        if (!catalog.TryResolve(model!, out var resolved))
        {
            await FailAsync(context, ModelsEndpoint.NotFound(catalog, model!, "model")).ConfigureAwait(false);
            return;
        }

        if (resolved.Policy is not { Llm.EmbeddingsModel: { Length: > 0 } embeddingsModel } policy)
        {
            var message = resolved.Policy is null
                ? $"'{model}' is an SLM served directly and SLM workers serve no embeddings; call a routing policy alias whose spec.llm.embeddingsModel is set, or your provider directly."
                : $"No embeddings model is configured for '{model}'; set spec.llm.embeddingsModel in its RoutingPolicy, or call your provider directly.";
            await FailAsync(context, new RequestError(404, message, OpenAiErrors.InvalidRequest, "model", "model_not_found")).ConfigureAwait(false);
            return;
        }

        if (budget.State(resolved.Model, policy.Budget).Exhausted)
        {
            // Embeddings have no SLM side to fall back to, so an exhausted budget refuses them under either whenExhausted.
            await FailAsync(context, new RequestError(429, $"The monthly LLM budget of '{resolved.Model}' is exhausted; embeddings are LLM spend and are refused until next month or a larger budget.monthlyUsd.", OpenAiErrors.RateLimit, null, "budget_exhausted")).ConfigureAwait(false);
            metrics.RecordRequest(resolved.Model, "none", RouteReasons.BudgetExhausted, Stopwatch.GetElapsedTime(started).TotalSeconds);
            return;
        }

        var route = await ForwardAsync(context, resolved.Model, policy.Llm, policy.Budget, embeddingsModel, body.WrittenMemory).ConfigureAwait(false);
        metrics.RecordRequest(resolved.Model, route, Reason, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private async Task<string> ForwardAsync(HttpContext context, string model, LlmTargetSpec target, BudgetSpec? policyBudget, string embeddingsModel, ReadOnlyMemory<byte> body)
    {
        LlmForwardResult result;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(target.TimeoutSeconds));
            try
            {
                // Embeddings bill input tokens only.
                result = await llm.ForwardEmbeddingsAsync(
                    context, model, body, target, embeddingsModel,
                    (prompt, _) =>
                    {
                        budget.Record(model, policyBudget, LlmClient.Cost(target, prompt, 0));
                        metrics.RecordTokens(model, "llm", prompt, 0);
                    },
                    timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested
                && ex is HttpRequestException or OperationCanceledException or ExecutionRejectedException)
            {
                RouterLog.LlmFailed(logger, model, ex.GetType().Name);
                await FailAsync(context, new RequestError(502, $"The LLM endpoint for '{model}' failed ({ex.GetType().Name}) on an embeddings request.", OpenAiErrors.Server, null, "llm_unavailable")).ConfigureAwait(false);
                return "none";
            }
        }

        return result.Status < 400 ? "llm" : "none";
    }

    private Task FailAsync(HttpContext context, RequestError error)
    {
        metrics.RecordClientError(error.Status, error.Code ?? "none");
        return OpenAiErrors.WriteAsync(context, error);
    }
}
