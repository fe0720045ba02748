namespace SlmFleet.Worker.Scheduling;

/// <summary>
/// Admitted work and the KV slot it owns: a generation or a classification's shared prompt.
/// <see cref="KvLength"/> counts the tokens in the slot; while it is below the prompt's length
/// the row is still prefilling.
/// </summary>
internal sealed class SlotRow(ISchedulerWork work, IReadOnlyList<int> promptIds, int slot)
{
    public ISchedulerWork Work { get; } = work;

    public IReadOnlyList<int> PromptIds { get; } = promptIds;

    public int Slot { get; } = slot;

    public int KvLength { get; set; }

    public bool Decoding { get; set; }

    public GenerationSequence? Generation => Work as GenerationSequence;

    public int PromptRemaining => PromptIds.Count - KvLength;
}
