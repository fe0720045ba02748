using System.Text.Json;

namespace SlmFleet.Router.OpenAi;

/// <summary>A validated request with what the router derived from it.</summary>
internal sealed record ParsedRequest(
    EndpointKind Kind,
    ChatCompletionRequest Body,
    string Model,
    bool Stream,
    bool IncludeUsage,
    int MaxNewTokens,
    IReadOnlyList<string>? Labels,
    ClassificationShape Shape,
    string? LabelProperty,
    JsonElement? Schema,
    bool RequiresJsonObject,
    string PromptText,
    RequestNeeds Needs);
