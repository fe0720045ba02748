namespace SlmFleet.Router.Slm;

/// <summary>The worker refused the request as invalid (gRPC INVALID_ARGUMENT / OUT_OF_RANGE): a client error, not an outage.</summary>
internal sealed class SlmRejectedException : Exception
{
    /// <summary>
    /// OUT_OF_RANGE: the request is valid but longer than the SLM's context (prompt, or prompt plus
    /// max_tokens). A policy sends it to the LLM (reason <c>unsupported</c>, feature <c>context</c>).
    /// </summary>
    public bool TooLong { get; init; }

    /// <summary>
    /// INVALID_ARGUMENT whose detail starts with "constraint": the worker cannot compile the
    /// request's response_format for constrained decoding (an unsupported keyword, an unsatisfiable
    /// or oversized schema). A policy sends it to the LLM (reason <c>unsupported</c>, feature <c>schema</c>).
    /// </summary>
    public bool SchemaUnsupported { get; init; }

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
