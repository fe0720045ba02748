namespace SlmFleet.Bench.Worker;

/// <summary>
/// A decode cell (concurrency × context) with both sides' best run; <paramref name="Peer"/> is null
/// when the peer could not run it, and <paramref name="PeerNotRun"/> says why.
/// </summary>
internal sealed record DecodeCell(int Concurrency, int Context, DecodeResult Worker, DecodeResult? Peer, string? PeerNotRun = null)
{
    public double Ratio => Peer is null ? double.NaN : Worker.TokensPerSecond / Peer.TokensPerSecond;
}
