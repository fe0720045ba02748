using System.Numerics.Tensors;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// Picks the next token from logits: greedy, or temperature with top-k / top-p, from a seeded
/// random source. Tokens rank by logit, ties to the lower id, so the same seed and the same logits
/// always give the same token.
/// </summary>
/// <remarks>
/// Nothing sorts the vocabulary: greedy is a vectorised arg-max, top-k a bounded heap
/// (<see cref="TopKSelector"/>), top-p without top-k a histogram threshold
/// (<see cref="NucleusSelector"/>), plain temperature one weighted draw. Top-p applies to the top-k
/// candidates renormalised, as Hugging Face's warpers chain them. NaN logits count as -inf; +inf
/// logits as the largest float, so those tokens share all the probability; all -inf is an error.
/// </remarks>
internal sealed class TokenSampler(SamplingOptions options, Random random)
{
    /// <summary>Returns the token and its log-probability under the model (log-softmax of the logits, before temperature).</summary>
    /// <exception cref="ArgumentException">The logits are empty, or every one is -inf or NaN.</exception>
    public (int Token, float LogProbability) Next(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("the logits are empty: there is no token to pick", nameof(logits));
        }

        var scratch = SamplerScratch.Current;
        var best = TensorPrimitives.IndexOfMax(logits);
        if (float.IsNaN(logits[best]) || float.IsPositiveInfinity(logits[best]))
        {
            logits = Clean(logits, scratch.Clean(logits.Length));
            best = TensorPrimitives.IndexOfMax(logits);
        }

        var max = logits[best];
        if (float.IsNegativeInfinity(max))
        {
            throw new ArgumentException($"all {logits.Length} logits are -inf or NaN: the model gives no token a probability", nameof(logits));
        }

        if (max == 0f)
        {
            // IndexOfMax ranks +0 above -0; the rank order calls them equal and prefers the lower id.
            best = logits.IndexOf(0f);
        }

        var logSumExp = max + (float)Math.Log(SumExp(logits, max));
        var token = options.Temperature <= 0f ? best : Sample(logits, max, scratch);
        return (token, logits[token] - logSumExp);
    }

    /// <summary>
    /// The <paramref name="best"/>.Length most likely tokens with their log-probabilities (OpenAI's
    /// top_logprobs), best first; returns how many were written. Only runs when a request asks.
    /// </summary>
    public static int MostLikely(ReadOnlySpan<float> logits, Span<(int Token, float LogProbability)> best)
    {
        if (logits.IsEmpty || best.IsEmpty)
        {
            return 0;
        }

        var scratch = SamplerScratch.Current;
        if (logits.ContainsAny(float.NaN, float.PositiveInfinity))
        {
            logits = Clean(logits, scratch.Clean(logits.Length));
        }

        var candidates = scratch.Candidates(best.Length);
        var count = TopKSelector.Select(logits, best.Length, candidates);
        var logSumExp = LogSumExp(logits);
        for (var i = 0; i < count; i++)
        {
            best[i] = (candidates[i].Id, candidates[i].Logit - logSumExp);
        }

        return count;
    }

    /// <summary>log Σ e^logit, computed stably; NaN logits count as -inf.</summary>
    public static float LogSumExp(ReadOnlySpan<float> logits)
    {
        var max = logits.IsEmpty ? float.NegativeInfinity : TensorPrimitives.Max(logits);
        if (float.IsNaN(max))
        {
            logits = Clean(logits, SamplerScratch.Current.Clean(logits.Length));
            max = TensorPrimitives.Max(logits);
        }

        return float.IsInfinity(max) ? max : max + (float)Math.Log(SumExp(logits, max));
    }

    private int Sample(ReadOnlySpan<float> logits, float max, SamplerScratch scratch)
    {
        var draw = random.NextDouble();
        var topP = options.TopP is > 0f and < 1f ? options.TopP : 1.0;
        if (options.TopK > 0 && options.TopK < logits.Length)
        {
            return SampleTopK(logits, options.TopK, topP, draw, scratch);
        }

        var scaled = scratch.Scaled(logits.Length);
        var weights = scratch.Weights(logits.Length);
        TensorPrimitives.Subtract(logits, max, scaled);
        TensorPrimitives.Multiply(scaled, 1f / options.Temperature, scaled);
        TensorPrimitives.Exp(scaled, weights);
        if (topP < 1.0)
        {
            var nucleus = scratch.Candidates(logits.Length);
            var count = NucleusSelector.Select(logits, scaled, weights, topP, scratch, nucleus);
            return WeightedDraw.Pick(nucleus[..count], weights, draw);
        }

        return WeightedDraw.Pick(weights, draw);
    }

    private int SampleTopK(ReadOnlySpan<float> logits, int k, double topP, double draw, SamplerScratch scratch)
    {
        var candidates = scratch.Candidates(k);
        TopKSelector.Select(logits, k, candidates);
        var weights = scratch.CandidateWeights(k);
        var top = (double)candidates[0].Logit;
        double total = 0;
        for (var i = 0; i < k; i++)
        {
            weights[i] = Math.Exp((candidates[i].Logit - top) / options.Temperature);
            total += weights[i];
        }

        var keep = k;
        if (topP < 1.0)
        {
            double cumulative = 0;
            for (var i = 0; i < k; i++)
            {
                cumulative += weights[i];
                if (cumulative >= topP * total)
                {
                    keep = i + 1;
                    break;
                }
            }
        }

        return WeightedDraw.Pick(candidates[..keep], weights[..keep], draw);
    }

    private static ReadOnlySpan<float> Clean(ReadOnlySpan<float> logits, Span<float> clean)
    {
        for (var i = 0; i < logits.Length; i++)
        {
            var value = logits[i];
            clean[i] = float.IsNaN(value) ? float.NegativeInfinity : float.IsPositiveInfinity(value) ? float.MaxValue : value;
        }

        return clean;
    }

    // Σ e^(x - shift) in blocks that fit on the stack: the exponentials are vectorised and the
    // block sums added in double, so 152k terms lose no meaningful precision and allocate nothing.
    private static double SumExp(ReadOnlySpan<float> values, float shift)
    {
        Span<float> block = stackalloc float[1024];
        double sum = 0;
        for (var start = 0; start < values.Length; start += block.Length)
        {
            var chunk = values.Slice(start, Math.Min(block.Length, values.Length - start));
            var exps = block[..chunk.Length];
            TensorPrimitives.Subtract(chunk, shift, exps);
            TensorPrimitives.Exp(exps, exps);
            sum += TensorPrimitives.Sum(exps);
        }

        return sum;
    }
}
