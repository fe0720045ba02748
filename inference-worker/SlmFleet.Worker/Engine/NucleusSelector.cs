namespace SlmFleet.Worker.Engine;

/// <summary>
/// The top-p nucleus over the whole vocabulary (top_k 0): the smallest prefix of the rank order
/// whose probability mass reaches p, found without sorting the vocabulary.
/// </summary>
/// <remarks>
/// <para>
/// Why a histogram rather than "take a generous k first": with a flat distribution (random weights,
/// high temperature) the nucleus holds most of the vocabulary, so any fixed k is wrong for some
/// request and the fallback is the full sort we are avoiding. Here tokens are bucketed by their
/// scaled logit s = (logit - max) / T, which is monotone in the logit, into bins 1/64 nats wide:
/// </para>
/// <code>
///   bin 0          bin 1          ...  bin b (boundary)       ...   bin 2047 (s below -32)
///   [ 0, -1/64 )   [-1/64, -2/64)      mass before b &lt; p·Z &lt;= mass through b
///   kept whole     kept whole          sorted, kept up to p   dropped
/// </code>
/// <para>
/// One pass adds each token's weight e^s to its bin, a walk over the bins finds the boundary bin,
/// a second pass collects the tokens of the bins above it (kept whole, in id order) and of the
/// boundary bin, and only the boundary bin is sorted. Cost O(V + b log b) with b the boundary
/// bin's size, a small fraction of V for any real distribution. Tokens below e^-32 of the top
/// token share the last bin, which is only sorted when p is so close to 1 that it is the boundary.
/// </para>
/// <para>
/// The result equals the sorted definition except where rounding decides: the masses are sums of
/// float weights in another order than a sorted cumulative sum, so a token whose cumulative mass
/// lands within about 1e-6 of p may fall on the other side.
/// </para>
/// </remarks>
internal static class NucleusSelector
{
    private const int Bins = 2048;
    private const float BinsPerNat = 64f;

    /// <summary>
    /// Writes the nucleus to <paramref name="nucleus"/> and returns its size: first the tokens of the
    /// bins above the boundary in id order, then the boundary bin's kept tokens in rank order.
    /// </summary>
    /// <param name="logits">The (NaN-free) logits, for the exact rank order inside the boundary bin.</param>
    /// <param name="scaled">(logit - max) / temperature per token; all &lt;= 0.</param>
    /// <param name="weights">e^scaled per token.</param>
    /// <param name="topP">Mass to reach, in (0, 1).</param>
    /// <param name="scratch">Buffers for the bin masses and the boundary bin.</param>
    /// <param name="nucleus">Receives the kept tokens; as long as the vocabulary.</param>
    public static int Select(
        ReadOnlySpan<float> logits, ReadOnlySpan<float> scaled, ReadOnlySpan<float> weights, double topP,
        SamplerScratch scratch, Span<LogitCandidate> nucleus)
    {
        var binMass = scratch.BinMass(Bins);
        binMass.Clear();
        for (var i = 0; i < scaled.Length; i++)
        {
            binMass[Bin(scaled[i])] += weights[i];
        }

        double total = 0;
        foreach (var mass in binMass)
        {
            total += mass;
        }

        var target = topP * total;
        var boundary = Bins - 1;
        double before = 0;
        for (var b = 0; b < Bins; b++)
        {
            if (before + binMass[b] >= target)
            {
                boundary = b;
                break;
            }

            before += binMass[b];
        }

        var count = 0;
        var boundaryTokens = scratch.Boundary(logits.Length);
        var inBoundary = 0;
        for (var i = 0; i < scaled.Length; i++)
        {
            var bin = Bin(scaled[i]);
            if (bin < boundary)
            {
                nucleus[count++] = new LogitCandidate(i, logits[i]);
            }
            else if (bin == boundary)
            {
                boundaryTokens[inBoundary++] = new LogitCandidate(i, logits[i]);
            }
        }

        var ranked = boundaryTokens[..inBoundary];
        ranked.Sort();
        var cumulative = before;
        foreach (var candidate in ranked)
        {
            nucleus[count++] = candidate;
            cumulative += weights[candidate.Id];
            if (cumulative >= target)
            {
                break;
            }
        }

        return count;
    }

    // Monotone in s: a higher logit never lands in a later bin, so bins never reorder tokens.
    private static int Bin(float scaled)
    {
        var position = -scaled * BinsPerNat;
        return position < Bins - 1 ? (int)position : Bins - 1;
    }
}
