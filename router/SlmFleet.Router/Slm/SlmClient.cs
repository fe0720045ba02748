using System.Text;
using Grpc.Core;
using SlmFleet.Inference.V1;
using SlmFleet.Router.Observability;

namespace SlmFleet.Router.Slm;

/// <summary>
/// Calls a deployment's workers. A call that fails on one replica (connection refused, UNAVAILABLE,
/// INTERNAL…) ejects it and is tried once on another. A retry happens only before anything reaches
/// the client: complete answers are collected first, and a stream is handed over only once its first
/// token has arrived, so a retry can never produce a duplicate or a half answer.
/// </summary>
internal sealed class SlmClient(SlmEndpointRegistry registry, TimeProvider time, ILogger<SlmClient> logger)
{
    private const int MaxAttempts = 2;

    public Task<SlmAnswer> GenerateAsync(string deployment, GenerateRequest request, CancellationToken cancellationToken) =>
        CallAsync(deployment, (endpoint, ct) => GenerateOnceAsync(endpoint, request, ct), cancellationToken);

    public Task<SlmAnswer> ClassifyAsync(string deployment, ClassifyRequest request, CancellationToken cancellationToken) =>
        CallAsync(deployment, (endpoint, ct) => ClassifyOnceAsync(endpoint, request, ct), cancellationToken);

    /// <summary>
    /// Starts a generation and returns once its first message (the first token, after prefill) has
    /// arrived: until then a failing replica is retried on another. The stream keeps its replica
    /// counted as busy until it is disposed. <paramref name="cancellationToken"/> cancels the call for
    /// its whole life, not only the start.
    /// </summary>
    public Task<SlmStream> OpenStreamAsync(string deployment, GenerateRequest request, CancellationToken cancellationToken) =>
        CallAsync(deployment, (endpoint, ct) => OpenOnceAsync(endpoint, request, ct), cancellationToken);

    private async Task<T> CallAsync<T>(string deployment, Func<SlmEndpoint, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
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
            var handedOver = false;
            try
            {
                var answer = await call(endpoint, cancellationToken).ConfigureAwait(false);
                endpoint.RecordSuccess();
                // An open stream keeps the replica busy; it ends the count when disposed.
                handedOver = answer is SlmStream;
                return answer;
            }
            catch (RpcException ex) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("SLM call cancelled", ex, cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.FailedPrecondition)
            {
                throw new SlmRejectedException(ex.Status.Detail, ex)
                {
                    TooLong = ex.StatusCode == StatusCode.OutOfRange,
                    SchemaUnsupported = ex.StatusCode == StatusCode.InvalidArgument && ex.Status.Detail.StartsWith("constraint", StringComparison.Ordinal),
                };
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
                if (!handedOver)
                {
                    endpoint.End();
                }
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
        List<TokenLogprob>? logprobs = request.Logprobs ? [] : null;
        await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            text.Append(message.Delta);
            logprobs?.AddRange(message.Logprobs);
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
            endpoint.Address.ToString(),
            logprobs);
    }

    private static async Task<SlmStream> OpenOnceAsync(SlmEndpoint endpoint, GenerateRequest request, CancellationToken cancellationToken)
    {
        var call = endpoint.Client.Generate(request, cancellationToken: cancellationToken);
        try
        {
            if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                throw new RpcException(new Status(StatusCode.Internal, "the worker ended the stream without a message"));
            }

            return new SlmStream(call, endpoint);
        }
        catch
        {
            call.Dispose();
            throw;
        }
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
