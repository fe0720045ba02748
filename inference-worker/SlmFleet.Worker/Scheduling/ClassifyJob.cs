namespace SlmFleet.Worker.Scheduling;

/// <summary>A classification waiting for the engine: the prompt and each label's tokens.</summary>
internal sealed class ClassifyJob(IReadOnlyList<int> promptIds, IReadOnlyList<IReadOnlyList<int>> labelIds, CancellationToken cancellation) : ISchedulerWork
{
    private readonly TaskCompletionSource<double[]> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<int> PromptIds { get; } = promptIds;

    public IReadOnlyList<IReadOnlyList<int>> LabelIds { get; } = labelIds;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Each label's summed token log-probability, in label order.</summary>
    public Task<double[]> Result => _result.Task;

    public void Complete(double[] logLikelihoods) => _result.TrySetResult(logLikelihoods);

    public void Fail(Exception error) => _result.TrySetException(error);

    public void Abandon(string reason) => _result.TrySetCanceled(Cancellation.IsCancellationRequested ? Cancellation : CancellationToken.None);
}
