namespace SlmFleet.Operator.Autoscaling;

/// <summary>A worker's stats could not be read; the message names the pod and why.</summary>
internal sealed class WorkerStatsUnavailableException : Exception
{
    public WorkerStatsUnavailableException()
    {
    }

    public WorkerStatsUnavailableException(string message)
        : base(message)
    {
    }

    public WorkerStatsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
