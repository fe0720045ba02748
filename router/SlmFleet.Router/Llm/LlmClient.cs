using System.Collections.Concurrent;
using System.Net.Http.Headers;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Router.Llm;

/// <summary>
/// Sends requests to a policy's OpenAI-compatible endpoint through the "llm" HttpClient, whose
/// resilience pipeline (Microsoft.Extensions.Http.Resilience) retries 429/5xx with jittered
/// exponential back-off and opens a circuit when the endpoint keeps failing.
/// </summary>
internal sealed class LlmClient(IHttpClientFactory clients, LlmKeyProvider keys)
{
    public const string HttpClientName = "llm";

    // Policies can be replaced at run time (cluster mode); past this many distinct endpoints the cache starts over.
    private const int MaxCachedUris = 256;

    // Building and parsing the endpoint's Uri per request shows in the router's CPU profile; a Uri is
    // immutable, so one instance per (base URL, path) serves every request.
    private readonly ConcurrentDictionary<(string BaseUrl, string Path), Uri> _uris = new();

    /// <summary>Posts <paramref name="body"/> to <c>{baseUrl}/{path}</c>; the response's headers are read, its body is not.</summary>
    public async Task<HttpResponseMessage> SendAsync(LlmTargetSpec llm, string path, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(llm);
        var client = clients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint(llm.BaseUrl, path))
        {
            Content = new ReadOnlyMemoryContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (keys.Get(llm.ApiKeySecretRef) is { Length: > 0 } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>{baseUrl}/{path}</c> as a Uri, built once per distinct pair.</summary>
    /// <exception cref="UriFormatException">The base URL is not a valid absolute URI.</exception>
    internal Uri Endpoint(string baseUrl, string path)
    {
        if (_uris.TryGetValue((baseUrl, path), out var uri))
        {
            return uri;
        }

        uri = new Uri(baseUrl.TrimEnd('/') + "/" + path);
        if (_uris.Count >= MaxCachedUris)
        {
            _uris.Clear();
        }

        _uris[(baseUrl, path)] = uri;
        return uri;
    }

    /// <summary>USD for the given usage at the endpoint's prices.</summary>
    public static double Cost(LlmTargetSpec llm, int promptTokens, int completionTokens)
    {
        ArgumentNullException.ThrowIfNull(llm);
        return ((promptTokens * llm.InputPricePerMillionTokens) + (completionTokens * llm.OutputPricePerMillionTokens)) / 1_000_000d;
    }
}
