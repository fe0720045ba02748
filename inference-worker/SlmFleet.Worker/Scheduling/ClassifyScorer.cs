using SlmFleet.Worker.Engine;

namespace SlmFleet.Worker.Scheduling;

/// <summary>
/// Scores labels as continuations of a prompt that is already in a KV slot, so the prompt runs
/// once whatever the number of labels. A label's log-likelihood is the sum over its tokens of
/// log p(token | prompt and the label's earlier tokens): the first token's comes from the
/// prompt's last logits; the rest from one batched run in which each label is a row whose slot
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
            var width = group.Max(l => labels[l].Count - 1);
            if (!batched || group.Count == ScratchSlots || group.Count * width >= engine.MaxTokensPerCall)
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

    // Row r feeds label tokens 0..n-2 after the prompt (right-padded: later padding never changes
    // earlier positions under a causal mask); logits at position j score token j + 1.
    private static void RunGroup(
        InferenceEngine engine, int first, bool batched, int promptSlot, int promptLength,
        IReadOnlyList<IReadOnlyList<int>> labels, List<int> group, int padToken, double[] scores)
    {
        var width = group.Max(l => labels[l].Count - 1);
        var tokens = new int[group.Count * width];
        var past = new int[group.Count];
        for (var r = 0; r < group.Count; r++)
        {
            var label = labels[group[r]];
            if (batched)
            {
                engine.Cache.CopyPrefix(promptSlot, first + r, promptLength);
            }

            past[r] = promptLength;
            for (var j = 0; j < width; j++)
            {
                tokens[(r * width) + j] = j < label.Count - 1 ? label[j] : padToken;
            }
        }

        engine.Run(first, group.Count, width, tokens, past);
        for (var r = 0; r < group.Count; r++)
        {
            var label = labels[group[r]];
            for (var j = 1; j < label.Count; j++)
            {
                var logits = engine.Logits(r, j - 1);
                scores[group[r]] += logits[label[j]] - TokenSampler.LogSumExp(logits);
            }
        }
    }
}
