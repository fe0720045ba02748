namespace SlmFleet.Bench.Worker;

/// <summary>One side of the comparison (the worker over gRPC, or ONNX Runtime GenAI): the same three measurements, on the same prompt ids.</summary>
internal interface IGenerationSide
{
    string Name { get; }

    /// <summary>Why this side cannot decode <paramref name="rows"/> prompts of <paramref name="promptTokens"/> at once on this machine, or null when it can.</summary>
    string? CannotDecode(int rows, int promptTokens);

    /// <summary>All prompts have the same length; every sequence generates exactly <paramref name="newTokens"/> tokens.</summary>
    Task<DecodeResult> DecodeAsync(int[][] prompts, int newTokens);

    /// <summary>Milliseconds from sending a solo prompt to holding its first generated token.</summary>
    Task<double> TimeToFirstTokenAsync(int[] prompt);

    /// <summary>Replays the trace in real time from now.</summary>
    Task<TraceResult> ReplayAsync(ServingTrace trace);
}
