namespace SlmFleet.Router.Routing;

/// <summary>How an SLM attempt ended.</summary>
internal enum SlmOutcomeKind
{
    Answered,
    Timeout,
    Unavailable,

    /// <summary>The worker found the prompt (or prompt + max_tokens) longer than the SLM's context.</summary>
    TooLong,
}
