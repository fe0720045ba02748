namespace SlmFleet.Router.Routing;

/// <summary>How an SLM attempt ended.</summary>
internal enum SlmOutcomeKind
{
    Answered,
    Timeout,
    Unavailable,
}
