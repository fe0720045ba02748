namespace SlmFleet.Router.Routing;

/// <summary>What to do with an SLM attempt.</summary>
internal enum VerdictAction
{
    /// <summary>Answer the client with the SLM's answer.</summary>
    Accept,

    /// <summary>Ask the SLM again (schema failure with retries left).</summary>
    RetrySlm,

    /// <summary>Send the request to the LLM.</summary>
    Escalate,

    /// <summary>Answer the client with an error status (escalation disabled for this cause, or the budget rejects).</summary>
    Fail,
}
