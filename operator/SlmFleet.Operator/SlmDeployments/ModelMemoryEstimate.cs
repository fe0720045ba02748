using System.Globalization;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Memory one replica needs, in GiB, split the way the ModelFits message reports it.</summary>
internal sealed record ModelMemoryEstimate(
    double WeightsGiB,
    double KvCacheGiB,
    double OverheadGiB,
    bool KvCacheFromArchitecture)
{
    public double TotalGiB => WeightsGiB + KvCacheGiB + OverheadGiB;

    /// <summary>Two decimals, invariant culture: the numbers users compare against their cards.</summary>
    public static string Format(double gib) => gib.ToString("0.00", CultureInfo.InvariantCulture);
}
