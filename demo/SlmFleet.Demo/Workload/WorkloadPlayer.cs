using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SlmFleet.Demo.Workload;

/// <summary>
/// Plays a workload through the router's OpenAI-compatible HTTP API, one request at a time, as an
/// application would, and prints a table row as each answer arrives. Everything it reports comes from
/// the responses: the <c>x-slmfleet-*</c> headers, the usage block (or the usage chunk of a stream)
/// and its own clock.
/// </summary>
internal sealed class WorkloadPlayer(HttpClient http, TextWriter output, bool color = false)
{
    private const string RouteHeader = "x-slmfleet-route";

    public async Task<IReadOnlyList<RequestResult>> PlayAsync(IReadOnlyList<WorkloadItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var table = new ResultTable(output, color);
        table.WriteHeader();
        var results = new List<RequestResult>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var result = await SendAsync(items[i], cancellationToken).ConfigureAwait(false);
            results.Add(result);
            table.WriteRow(i + 1, result);
        }

        return results;
    }

    private async Task<RequestResult> SendAsync(WorkloadItem item, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(item.Body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in item.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        TimeSpan? firstToken = null;
        (int Prompt, int Completion) usage;
        string? error = null;
        if (!response.IsSuccessStatusCode)
        {
            error = ErrorCode(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            usage = (0, 0);
        }
        else if (item.Stream)
        {
            (usage, firstToken) = await ReadStreamAsync(response, started, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            usage = Usage(json.RootElement);
        }

        var latency = Stopwatch.GetElapsedTime(started);
        var headers = response.Headers;
        return new RequestResult(
            item.Title,
            status,
            Header(headers, RouteHeader) ?? "none",
            Header(headers, "x-slmfleet-reason") ?? "none",
            Header(headers, "x-slmfleet-rule"),
            Header(headers, "x-slmfleet-unsupported"),
            double.TryParse(Header(headers, "x-slmfleet-confidence"), NumberStyles.Float, CultureInfo.InvariantCulture, out var confidence) ? confidence : null,
            latency,
            firstToken,
            usage.Prompt,
            usage.Completion,
            error);
    }

    /// <summary>Reads an SSE answer to its end: the time to the first content chunk and the usage chunk (asked with stream_options.include_usage).</summary>
    private static async Task<((int, int) Usage, TimeSpan? FirstToken)> ReadStreamAsync(HttpResponseMessage response, long started, CancellationToken cancellationToken)
    {
        TimeSpan? firstToken = null;
        (int, int) usage = (0, 0);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
            {
                continue;
            }

            using var chunk = JsonDocument.Parse(line.AsMemory(6));
            var root = chunk.RootElement;
            if (firstToken is null && root.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 })
            {
                firstToken = Stopwatch.GetElapsedTime(started);
            }

            if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
            {
                usage = Usage(root);
            }
        }

        return (usage, firstToken);
    }

    private static (int Prompt, int Completion) Usage(JsonElement answer) =>
        answer.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
            ? (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32())
            : (0, 0);

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string ErrorCode(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var error = json.RootElement.GetProperty("error");
            return error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString()! : error.GetProperty("message").GetString() ?? "error";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return body.Length <= 80 ? body : body[..80];
        }
    }
}
