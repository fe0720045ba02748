namespace SlmFleet.Router.Routing;

/// <summary>How an SLM attempt ended.</summary>
internal enum SlmOutcomeKind
{
    Answered,
    Timeout,
    Unavailable,

    /// <summary>The worker found the prompt (or prompt + max_tokens) longer than the SLM's context.</summary>
    TooLong,

    /// <summary>The worker cannot constrain its output to the request's response_format (see <see cref="Slm.SlmRejectedException.SchemaUnsupported"/>).</summary>
    SchemaUnsupported,
}
