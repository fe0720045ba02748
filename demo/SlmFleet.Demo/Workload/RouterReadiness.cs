using System.Text;

namespace SlmFleet.Demo.Workload;

/// <summary>
/// Waits until the router is ready and the worker behind it answers: the router's <c>/readyz</c>,
/// then a one-token request to the served model directly (model <c>tiny</c>, never escalated, so it
/// is counted under that name and not in the policy's figures).
/// </summary>
internal static class RouterReadiness
{
    public static async Task WaitAsync(HttpClient http, string servedModel, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await UntilOkAsync(() => new HttpRequestMessage(HttpMethod.Get, "readyz"), deadline.Token).ConfigureAwait(false);
            var body = $$"""{"model":"{{servedModel}}","messages":[{"role":"user","content":"warm up"}],"max_tokens":1}""";
            await UntilOkAsync(() => new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") }, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The router at {http.BaseAddress} or its worker (model '{servedModel}') did not answer within {timeout.TotalSeconds:0} s.");
        }

        async Task UntilOkAsync(Func<HttpRequestMessage> request, CancellationToken token)
        {
            while (true)
            {
                try
                {
                    using var message = request();
                    using var response = await http.SendAsync(message, token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), token).ConfigureAwait(false);
            }
        }
    }
}
