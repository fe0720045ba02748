namespace SlmFleet.Bench.Worker;

/// <summary>A decode cell (concurrency × context) with both sides' best run.</summary>
internal sealed record DecodeCell(int Concurrency, int Context, DecodeResult Worker, DecodeResult Peer)
{
    public double Ratio => Worker.TokensPerSecond / Peer.TokensPerSecond;
}
