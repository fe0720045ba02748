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
}
