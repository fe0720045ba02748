namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Outcome of the memory fit check; <see cref="Message"/> carries the numbers for the ModelFits condition.</summary>
internal sealed record ModelFitResult(bool Fits, ModelMemoryEstimate Estimate, double AvailableGiB, string Message);
