namespace SlmFleet.Router.Slm;

/// <summary>The worker refused the request as invalid (gRPC INVALID_ARGUMENT / OUT_OF_RANGE): a client error, not an outage.</summary>
internal sealed class SlmRejectedException : Exception
{
    public SlmRejectedException()
    {
    }

    public SlmRejectedException(string message)
        : base(message)
    {
    }

    public SlmRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
