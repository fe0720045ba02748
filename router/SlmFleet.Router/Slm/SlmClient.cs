using System.Text;
using Grpc.Core;
using SlmFleet.Inference.V1;
using SlmFleet.Router.Observability;

namespace SlmFleet.Router.Slm;

/// <summary>
/// Calls a deployment's workers. A call that fails on one replica (connection refused, UNAVAILABLE,
/// INTERNAL…) ejects it and is tried once on another: answers are collected before anything is sent
/// to the client, so a retry can never produce a duplicate or a half answer.
/// </summary>
internal sealed class SlmClient(SlmEndpointRegistry registry, TimeProvider time, ILogger<SlmClient> logger)
{
    private const int MaxAttempts = 2;

    public Task<SlmAnswer> GenerateAsync(string deployment, GenerateRequest request, CancellationToken cancellationToken) =>
        CallAsync(deployment, (endpoint, ct) => GenerateOnceAsync(endpoint, request, ct), cancellationToken);

    public Task<SlmAnswer> ClassifyAsync(string deployment, ClassifyRequest request, CancellationToken cancellationToken) =>
        CallAsync(deployment, (endpoint, ct) => ClassifyOnceAsync(endpoint, request, ct), cancellationToken);

    private async Task<SlmAnswer> CallAsync(string deployment, Func<SlmEndpoint, CancellationToken, Task<SlmAnswer>> call, CancellationToken cancellationToken)
    {
        var pool = registry.Get(deployment);
        SlmEndpoint? tried = null;
        Exception? last = null;
        // Every replica answering RESOURCE_EXHAUSTED means a full fleet, not a broken one: the client gets 429.
        var allExhausted = true;
        TimeSpan? retryAfter = null;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var endpoint = pool.Pick(time.GetUtcNow(), tried);
            if (endpoint is null)
            {
                break;
            }

            tried = endpoint;
            endpoint.Begin();
            try
            {
                var answer = await call(endpoint, cancellationToken).ConfigureAwait(false);
                endpoint.RecordSuccess();
                return answer;
            }
            catch (RpcException ex) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("SLM call cancelled", ex, cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.FailedPrecondition)
            {
                throw new SlmRejectedException(ex.Status.Detail, ex);
            }
            catch (RpcException ex)
            {
                last = ex;
                if (ex.StatusCode == StatusCode.ResourceExhausted)
                {
                    retryAfter = RetryHint(ex) is { } hint && (retryAfter is null || hint < retryAfter) ? hint : retryAfter;
                }
                else
                {
                    allExhausted = false;
                    var ejection = endpoint.RecordFailure(time.GetUtcNow());
                    RouterLog.EndpointEjected(logger, endpoint.Address.ToString(), deployment, ejection.TotalSeconds, ex.StatusCode.ToString());
                }
            }
            catch (HttpRequestException ex)
            {
                last = ex;
                allExhausted = false;
                var ejection = endpoint.RecordFailure(time.GetUtcNow());
                RouterLog.EndpointEjected(logger, endpoint.Address.ToString(), deployment, ejection.TotalSeconds, ex.HttpRequestError.ToString());
            }
            finally
            {
                endpoint.End();
            }
        }

        if (last is not null && allExhausted)
        {
            throw new SlmUnavailableException($"every replica of SlmDeployment '{deployment}' is at capacity: {last.Message}", last)
            {
                RetryAfter = retryAfter ?? TimeSpan.FromSeconds(1),
            };
        }

        throw last is null
            ? new SlmUnavailableException($"no ready endpoint for SlmDeployment '{deployment}'")
            : new SlmUnavailableException($"SlmDeployment '{deployment}' failed: {last.Message}", last);
    }

    /// <summary>The worker's <c>retry-after-ms</c> trailer, when it sent a sensible one.</summary>
    private static TimeSpan? RetryHint(RpcException ex)
    {
        var value = ex.Trailers.GetValue("retry-after-ms");
        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms is > 0 and <= 600_000
            ? TimeSpan.FromMilliseconds(ms)
            : null;
    }

    private static async Task<SlmAnswer> GenerateOnceAsync(SlmEndpoint endpoint, GenerateRequest request, CancellationToken cancellationToken)
    {
        using var call = endpoint.Client.Generate(request, cancellationToken: cancellationToken);
        var text = new StringBuilder();
        GenerateResponse? final = null;
        await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            text.Append(message.Delta);
            if (message.FinishReason.Length > 0)
            {
                final = message;
            }
        }

        return new SlmAnswer(
            text.ToString(),
            final?.FinishReason ?? "stop",
            final?.Usage?.PromptTokens ?? 0,
            final?.Usage?.CompletionTokens ?? 0,
            final?.Confidence?.MeanTokenProbability ?? 0,
            final?.Confidence?.MinTokenProbability ?? 0,
            null,
            endpoint.Address.ToString());
    }

    private static async Task<SlmAnswer> ClassifyOnceAsync(SlmEndpoint endpoint, ClassifyRequest request, CancellationToken cancellationToken)
    {
        var response = await endpoint.Client.ClassifyAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new SlmAnswer(
            response.Label,
            "stop",
            response.Usage?.PromptTokens ?? 0,
            response.Usage?.CompletionTokens ?? 0,
            response.Confidence,
            response.Confidence,
            response.Confidence,
            endpoint.Address.ToString());
    }
}
