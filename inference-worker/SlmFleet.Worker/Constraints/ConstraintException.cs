namespace SlmFleet.Worker.Constraints;

/// <summary>
/// A constraint the worker cannot compile. <see cref="Keyword"/> names the schema keyword (or
/// "regex", "choice", "size") so the caller learns what to change; the gRPC layer answers
/// INVALID_ARGUMENT with a message that starts with "constraint".
/// </summary>
internal sealed class ConstraintException(string keyword, string message) : Exception(message)
{
    public string Keyword { get; } = keyword;
}
