using SlmFleet.Worker.Engine;

namespace SlmFleet.Worker.Scheduling;

/// <summary>
/// Scores every label in one forward pass: row i is prompt + label i, right-padded (padding after
/// the text never changes earlier positions under a causal mask). A label's log-likelihood is the
/// sum over its tokens of log p(token | everything before it).
/// </summary>
internal static class ClassifyScorer
{
    public static double[] Score(InferenceEngine engine, IReadOnlyList<int> prompt, IReadOnlyList<IReadOnlyList<int>> labels)
    {
        var batch = labels.Count;
        var length = prompt.Count + labels.Max(l => l.Count);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        var positions = new long[batch * length];
        for (var r = 0; r < batch; r++)
        {
            var row = prompt.Concat(labels[r]).ToList();
            for (var i = 0; i < length; i++)
            {
                ids[(r * length) + i] = i < row.Count ? row[i] : engine.Config.PadTokenId;
                mask[(r * length) + i] = i < row.Count ? 1 : 0;
                positions[(r * length) + i] = i;
            }
        }

        using var empty = engine.EmptyCache(batch);
        using var output = engine.Forward(ids, mask, positions, batch, length, empty);
        var scores = new double[batch];
        for (var r = 0; r < batch; r++)
        {
            for (var j = 0; j < labels[r].Count; j++)
            {
                var logits = output.Logits(r, prompt.Count + j - 1);
                scores[r] += logits[labels[r][j]] - TokenSampler.LogSumExp(logits);
            }
        }

        return scores;
    }
}
