using SlmFleet.Worker.Engine;

namespace SlmFleet.Worker.Scheduling;

/// <summary>
/// Scores labels as continuations of a prompt that is already in a KV slot, so the prompt runs
/// once whatever the number of labels. A label's log-likelihood is the sum over its tokens of
/// log p(token | prompt and the label's earlier tokens): the first token's comes from the
/// prompt's last logits; the rest from batched steps in which each label is a row whose slot
/// starts as a copy of the prompt's columns (the scratch slots after the batch's own).
/// </summary>
internal static class ClassifyScorer
{
    /// <summary>Slots reserved after the batch's for label rows (KV memory is only resident once touched).</summary>
    public const int ScratchSlots = 8;

    public static double[] Score(InferenceEngine engine, int promptSlot, int promptLength, ReadOnlySpan<float> promptLogits, IReadOnlyList<IReadOnlyList<int>> labels, int padToken)
    {
        var scores = new double[labels.Count];
        var promptLogSumExp = TokenSampler.LogSumExp(promptLogits);
        for (var i = 0; i < labels.Count; i++)
        {
            scores[i] = promptLogits[labels[i][0]] - promptLogSumExp;
        }

        var longer = Enumerable.Range(0, labels.Count).Where(i => labels[i].Count > 1).ToList();
        if (longer.Count == 0)
        {
            return scores;
        }

        var scratch = engine.Cache.Slots - ScratchSlots;
        var batched = engine.Cache.OnHost && ScratchSlots > 0;
        var group = new List<int>();
        foreach (var label in longer)
        {
            group.Add(label);
            if (!batched || group.Count == ScratchSlots)
            {
                RunGroup(engine, batched ? scratch : promptSlot, batched, promptSlot, promptLength, labels, group, padToken, scores);
                group.Clear();
            }
        }

        if (group.Count > 0)
        {
            RunGroup(engine, scratch, batched, promptSlot, promptLength, labels, group, padToken, scores);
        }

        return scores;
    }

    // GroupQueryAttention runs several new tokens only for a batch of one, so the label rows step
    // one token at a time, together: step j feeds every row's token j and scores its token j + 1.
    // Rows whose label is shorter ride along on padding, never read.
    private static void RunGroup(
        InferenceEngine engine, int first, bool batched, int promptSlot, int promptLength,
        IReadOnlyList<IReadOnlyList<int>> labels, List<int> group, int padToken, double[] scores)
    {
        var width = group.Max(l => labels[l].Count - 1);
        var tokens = new int[group.Count];
        var past = new int[group.Count];
        for (var r = 0; r < group.Count && batched; r++)
        {
            engine.Cache.CopyPrefix(promptSlot, first + r, promptLength);
        }

        for (var j = 0; j < width; j++)
        {
            for (var r = 0; r < group.Count; r++)
            {
                var label = labels[group[r]];
                tokens[r] = j < label.Count - 1 ? label[j] : padToken;
                past[r] = promptLength + j;
            }

            engine.Run(first, group.Count, 1, tokens, past);
            for (var r = 0; r < group.Count; r++)
            {
                var label = labels[group[r]];
                if (j + 1 < label.Count)
                {
                    var logits = engine.Logits(r, 0);
                    scores[group[r]] += logits[label[j + 1]] - TokenSampler.LogSumExp(logits);
                }
            }
        }
    }
}
