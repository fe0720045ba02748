namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// A write of an owned object that the API server refused with something other than a conflict (a
/// validation or admission refusal, an exceeded quota, a 5xx such as "range is full"). The message is
/// the API server's own; it names fields and values of the owned object, never Secret contents
/// (tokens reach the workers only through a secretKeyRef).
/// </summary>
internal sealed record WriteFailure(string Kind, string Namespace, string Name, int StatusCode, string Message)
{
    /// <summary>The condition and Event reason, naming the object kind (e.g. <c>ServiceApplyFailed</c>).</summary>
    public string Reason => Kind + "ApplyFailed";

    /// <summary>4xx other than 409 and 429: the request itself is refused and will not pass on a retry alone.</summary>
    public bool IsRefusal => StatusCode is >= 400 and < 500 and not 409 and not 429;

    public string Describe() =>
        $"Applying {Kind} {Namespace}/{Name} failed: {StatusCode} {Message} Objects already written are kept; retrying with back-off.";
}
