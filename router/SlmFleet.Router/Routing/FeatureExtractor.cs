using SlmFleet.Router.OpenAi;

namespace SlmFleet.Router.Routing;

/// <summary>Extracts <see cref="RequestFeatures"/> from headers and the parsed body.</summary>
internal static class FeatureExtractor
{
    public static RequestFeatures Extract(IHeaderDictionary headers, ParsedRequest request)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(request);
        var metadata = request.Body.Metadata;
        var taskType = headers["x-task-type"].ToString();
        if (taskType.Length == 0 && metadata is not null && metadata.TryGetValue("task_type", out var fromMetadata))
        {
            taskType = fromMetadata;
        }

        var flags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        AddFlags(flags, headers["x-slmfleet-flags"].ToString());
        if (metadata is not null && metadata.TryGetValue("flags", out var metadataFlags))
        {
            AddFlags(flags, metadataFlags);
        }

        // No tokenizer in the router: ~4 bytes of UTF-8 per token is the usual estimate for English BPE vocabularies.
        var promptTokens = (System.Text.Encoding.UTF8.GetByteCount(request.PromptText) + 3) / 4;
        return new RequestFeatures(
            taskType.Length == 0 ? (request.Labels is not null ? "classification" : null) : taskType,
            promptTokens,
            flags,
            request.Labels,
            request.Schema is not null,
            request.Needs.Unsupported?.Feature);
    }

    private static void AddFlags(HashSet<string> flags, string value)
    {
        foreach (var flag in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            flags.Add(flag);
        }
    }
}
