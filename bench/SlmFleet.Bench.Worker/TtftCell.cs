namespace SlmFleet.Bench.Worker;

/// <summary>Time to first token for a solo prompt of <paramref name="PromptTokens"/>, both sides' best run.</summary>
internal sealed record TtftCell(int PromptTokens, double WorkerMilliseconds, double PeerMilliseconds)
{
    public double Ratio => WorkerMilliseconds / PeerMilliseconds;
}
