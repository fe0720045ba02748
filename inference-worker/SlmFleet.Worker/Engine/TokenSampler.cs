namespace SlmFleet.Worker.Engine;

/// <summary>Picks the next token from logits: greedy, or temperature with top-k / top-p, from a seeded random source.</summary>
internal sealed class TokenSampler(SamplingOptions options, Random random)
{
    private float[] _scratch = [];
    private int[] _order = [];

    /// <summary>Returns the token and its log-probability under the model (before temperature).</summary>
    public (int Token, float LogProbability) Next(ReadOnlySpan<float> logits)
    {
        var logSumExp = LogSumExp(logits);
        var token = options.Temperature <= 0f ? ArgMax(logits) : Sample(logits);
        return (token, logits[token] - logSumExp);
    }

    public static float LogSumExp(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var value in logits)
        {
            max = MathF.Max(max, value);
        }

        double sum = 0;
        foreach (var value in logits)
        {
            sum += Math.Exp(value - max);
        }

        return max + (float)Math.Log(sum);
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }

    private int Sample(ReadOnlySpan<float> logits)
    {
        var n = logits.Length;
        if (_scratch.Length != n)
        {
            _scratch = new float[n];
            _order = new int[n];
        }

        for (var i = 0; i < n; i++)
        {
            _scratch[i] = logits[i] / options.Temperature;
            _order[i] = i;
        }

        // Highest first; ties by token id so the order never depends on the sort's stability.
        var scores = _scratch;
        Array.Sort(_order, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        var keep = options.TopK > 0 ? Math.Min(options.TopK, n) : n;

        var max = scores[_order[0]];
        double total = 0;
        var probabilities = new double[keep];
        for (var i = 0; i < keep; i++)
        {
            probabilities[i] = Math.Exp(scores[_order[i]] - max);
            total += probabilities[i];
        }

        if (options.TopP > 0f && options.TopP < 1f)
        {
            double cumulative = 0;
            for (var i = 0; i < keep; i++)
            {
                cumulative += probabilities[i] / total;
                if (cumulative >= options.TopP)
                {
                    keep = i + 1;
                    break;
                }
            }

            total = 0;
            for (var i = 0; i < keep; i++)
            {
                total += probabilities[i];
            }
        }

        var target = random.NextDouble() * total;
        for (var i = 0; i < keep; i++)
        {
            target -= probabilities[i];
            if (target <= 0)
            {
                return _order[i];
            }
        }

        return _order[keep - 1];
    }
}
