using System.Text.Json;
using SlmFleet.Inference.V1;
using SlmFleet.Router.OpenAi;

namespace SlmFleet.Router.Routing;

/// <summary>Turns an OpenAI request into the worker's gRPC requests.</summary>
internal static class SlmRequestFactory
{
    /// <summary>
    /// Greedy unless the client set a temperature (confidence is most meaningful for the most likely
    /// answer). A schema retry samples at temperature ≥ 0.7 with a different seed, else it would
    /// repeat the same failing answer. Choice <paramref name="choice"/> of <c>n</c> gets its own seed
    /// (the client's plus the choice) so sampled choices differ yet stay reproducible.
    /// <paramref name="tokenProbabilities"/> asks the worker for each token's log-probability even when
    /// the client did not (a streamed answer's hold-back window is judged on them).
    /// </summary>
    public static GenerateRequest Generate(ParsedRequest request, int attempt, string requestId, int choice = 0, bool tokenProbabilities = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Body;
        var temperature = (float)(body.Temperature ?? 0);
        var sampling = new SamplingParameters { Temperature = temperature, TopP = (float)(body.TopP ?? 0) };
        if (attempt > 1)
        {
            sampling.Temperature = Math.Max(temperature, 0.7f);
            sampling.Seed = (ulong)((body.Seed ?? 0) + attempt);
        }
        else if (body.Seed is { } seed)
        {
            sampling.Seed = unchecked((ulong)(seed + choice));
        }

        var generate = new GenerateRequest
        {
            MaxNewTokens = request.MaxNewTokens,
            Sampling = sampling,
            RequestId = choice == 0 ? requestId : requestId + "/" + choice.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Logprobs = request.Needs.Logprobs || tokenProbabilities,
            TopLogprobs = request.Needs.Logprobs ? request.Needs.TopLogprobs : 0,
        };
        AddStops(body.Stop, generate.Stop);
        // The worker decodes under the schema, so the answer is valid by construction.
        if (request.Schema is { } schema)
        {
            generate.JsonSchema = schema.GetRawText();
        }
        else if (request.RequiresJsonObject)
        {
            generate.JsonObject = true;
        }

        if (request.Kind == EndpointKind.Completions)
        {
            generate.Prompt = request.PromptText;
        }
        else
        {
            AddMessages(request, generate.Messages);
        }

        return generate;
    }

    public static ClassifyRequest Classify(ParsedRequest request, string requestId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var classify = new ClassifyRequest { RequestId = requestId };
        classify.Labels.AddRange(request.Labels!);
        if (request.Kind == EndpointKind.Completions)
        {
            classify.Prompt = request.PromptText;
        }
        else
        {
            AddMessages(request, classify.Messages);
        }

        return classify;
    }

    private static void AddMessages(ParsedRequest request, Google.Protobuf.Collections.RepeatedField<ChatMessage> into)
    {
        foreach (var message in request.Body.Messages!)
        {
            // The worker's templates know system/user/assistant; developer is OpenAI's newer name for system.
            var role = message.Role is "developer" ? "system" : message.Role!;
            into.Add(new ChatMessage { Role = role, Content = message.Content ?? string.Empty });
        }
    }

    private static void AddStops(JsonElement? stop, Google.Protobuf.Collections.RepeatedField<string> into)
    {
        if (stop is { ValueKind: JsonValueKind.String } single)
        {
            into.Add(single.GetString()!);
        }
        else if (stop is { ValueKind: JsonValueKind.Array } many)
        {
            into.AddRange(many.EnumerateArray().Select(s => s.GetString()!));
        }
    }
}
