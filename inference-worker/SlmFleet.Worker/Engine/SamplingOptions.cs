namespace SlmFleet.Worker.Engine;

/// <summary>Validated sampling settings of one request. Temperature 0 means greedy.</summary>
internal sealed record SamplingOptions(float Temperature, int TopK, float TopP)
{
    public static SamplingOptions Greedy { get; } = new(0f, 0, 1f);
}
