namespace SlmFleet.Worker.Scheduling;

/// <summary>
/// A classification waiting for the engine: the prompt tokens all labels share and each label's
/// own tokens after them (as the tokenizer splits prompt + label, see the service).
/// </summary>
internal sealed class ClassifyJob(IReadOnlyList<int> promptIds, IReadOnlyList<IReadOnlyList<int>> labelIds, CancellationToken cancellation) : ISchedulerWork
{
    private readonly TaskCompletionSource<double[]> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<int> PromptIds { get; } = promptIds;

    public IReadOnlyList<IReadOnlyList<int>> LabelIds { get; } = labelIds;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Each label's summed token log-probability, in label order.</summary>
    public Task<double[]> Result => _result.Task;

    /// <summary>Scored, failed or abandoned: its KV slot can be freed.</summary>
    public bool IsDone => _result.Task.IsCompleted;

    public void Complete(double[] logLikelihoods) => _result.TrySetResult(logLikelihoods);

    public void Fail(Exception error) => _result.TrySetException(error);

    public void Abandon(string reason) => _result.TrySetCanceled(Cancellation.IsCancellationRequested ? Cancellation : CancellationToken.None);
}
