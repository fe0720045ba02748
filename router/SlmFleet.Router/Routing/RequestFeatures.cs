namespace SlmFleet.Router.Routing;

/// <summary>What the routing rules can see of a request, extracted once at the edge.</summary>
/// <param name="TaskType">From header <c>x-task-type</c> or <c>metadata.task_type</c>; null when absent.</param>
/// <param name="PromptTokens">Estimated prompt tokens (UTF-8 bytes / 4, rounded up): the router has no tokenizer.</param>
/// <param name="Flags">From header <c>x-slmfleet-flags</c> and <c>metadata.flags</c> (comma-separated).</param>
/// <param name="Labels">Candidate labels when the request is a classification; null for generation.</param>
/// <param name="HasSchema">The request asks for a <c>json_schema</c> response format.</param>
/// <param name="Unsupported">The first feature the SLM cannot honour (tools, images…); null when it can serve the request.</param>
internal sealed record RequestFeatures(
    string? TaskType,
    int PromptTokens,
    IReadOnlySet<string> Flags,
    IReadOnlyList<string>? Labels,
    bool HasSchema,
    string? Unsupported = null);
