using System.Globalization;

namespace SlmFleet.Api.ColdStart;

/// <summary>
/// The value of the <see cref="ApiGroup.DemandAnnotation"/> annotation: the time a router found the
/// SlmDeployment without a ready replica, RFC 3339 in whole seconds (as the API server writes timestamps).
/// Routers write it, the operator reads it: one definition for both sides.
/// </summary>
public static class DemandStamp
{
    /// <summary>The annotation value for <paramref name="at"/>.</summary>
    public static string Format(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The time in an annotation value, or null when absent or unreadable (a hand-written value is ignored, not fatal).</summary>
    public static DateTimeOffset? Parse(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;
}
