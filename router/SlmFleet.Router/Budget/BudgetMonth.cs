using System.Globalization;

namespace SlmFleet.Router.Budget;

/// <summary>
/// UTC calendar months as one number (<c>year × 12 + month</c>), cheap to compare on the hot path, and
/// the <c>yyyy-MM</c> text the operator writes into a RoutingPolicy's <c>status.month</c>.
/// </summary>
internal static class BudgetMonth
{
    public static int Of(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return (utc.Year * 12) + utc.Month;
    }

    /// <summary>Reads <c>yyyy-MM</c>; anything else (absent, another format) is no month.</summary>
    public static bool TryParse(string? text, out int month)
    {
        month = 0;
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var monthOfYear)
            || year < 1 || monthOfYear is < 1 or > 12)
        {
            return false;
        }

        month = (year * 12) + monthOfYear;
        return true;
    }
}
