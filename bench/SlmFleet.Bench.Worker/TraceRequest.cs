namespace SlmFleet.Bench.Worker;

/// <summary>One request of the serving trace: when it arrives (seconds after the trace starts), its prompt ids and how many tokens it wants.</summary>
internal sealed record TraceRequest(int Index, double ArrivalSeconds, int[] PromptIds, int OutputTokens);
