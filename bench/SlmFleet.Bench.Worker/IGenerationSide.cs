namespace SlmFleet.Bench.Worker;

/// <summary>One side of the comparison (the worker over gRPC, or ONNX Runtime GenAI): the same three measurements, on the same prompt ids.</summary>
internal interface IGenerationSide
{
    string Name { get; }

    /// <summary>All prompts have the same length; every sequence generates exactly <paramref name="newTokens"/> tokens.</summary>
    Task<DecodeResult> DecodeAsync(int[][] prompts, int newTokens);

    /// <summary>Milliseconds from sending a solo prompt to holding its first generated token.</summary>
    Task<double> TimeToFirstTokenAsync(int[] prompt);

    /// <summary>Replays the trace in real time from now.</summary>
    Task<TraceResult> ReplayAsync(ServingTrace trace);
}
