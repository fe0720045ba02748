namespace SlmFleet.Router.OpenAi;

/// <summary>Which OpenAI endpoint a request came in on.</summary>
internal enum EndpointKind
{
    ChatCompletions,
    Completions,
}
