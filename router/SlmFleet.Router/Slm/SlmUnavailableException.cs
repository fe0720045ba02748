namespace SlmFleet.Router.Slm;

/// <summary>No replica could answer: none ready, or every one tried failed.</summary>
internal sealed class SlmUnavailableException : Exception
{
    public SlmUnavailableException()
    {
    }

    public SlmUnavailableException(string message)
        : base(message)
    {
    }

    public SlmUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Set when every replica tried answered RESOURCE_EXHAUSTED: the fleet is full, not down; the client should retry after this.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
