namespace SlmFleet.Worker.Fetch;

/// <summary>A download that cannot complete; the message says which URL or path and what to do. Never contains the token.</summary>
internal sealed class FetchException : Exception
{
    public FetchException(string message)
        : base(message)
    {
    }

    public FetchException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public FetchException()
    {
    }
}
