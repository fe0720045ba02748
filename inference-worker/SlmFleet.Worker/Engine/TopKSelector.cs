using System.Numerics;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// The k best tokens in rank order (<see cref="LogitCandidate"/>) in O(V + k log k) for typical
/// logits, without sorting the vocabulary.
/// </summary>
/// <remarks>
/// A bounded heap keeps the k best seen so far with the worst at its root. Tokens are scanned in id
/// order, so a token that only ties the root's logit has a higher id than the root and ranks below
/// it: "strictly greater than the root's logit" is the whole admission test. That makes the test
/// vectorisable, so whole blocks of the vocabulary that hold nothing better than the current k-th
/// best are skipped with one compare; only admitted tokens pay the O(log k) heap update.
/// </remarks>
internal static class TopKSelector
{
    /// <summary>Writes the min(k, V) best tokens of <paramref name="logits"/> to <paramref name="best"/>, best first; returns how many.</summary>
    /// <remarks>NaN logits must have been replaced first: NaN never passes the admission test but could enter the heap while it fills.</remarks>
    public static int Select(ReadOnlySpan<float> logits, int k, Span<LogitCandidate> best)
    {
        k = Math.Min(k, logits.Length);
        var heap = best[..k];
        for (var i = 0; i < k; i++)
        {
            heap[i] = new LogitCandidate(i, logits[i]);
            SiftUp(heap, i);
        }

        var threshold = heap[0].Logit;
        var next = k;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            for (; next <= logits.Length - width; next += width)
            {
                if (!Vector.GreaterThanAny(new Vector<float>(logits.Slice(next, width)), new Vector<float>(threshold)))
                {
                    continue;
                }

                for (var i = next; i < next + width; i++)
                {
                    threshold = Offer(heap, logits[i], i, threshold);
                }
            }
        }

        for (; next < logits.Length; next++)
        {
            threshold = Offer(heap, logits[next], next, threshold);
        }

        heap.Sort();
        return k;
    }

    private static float Offer(Span<LogitCandidate> heap, float logit, int id, float threshold)
    {
        if (logit <= threshold || float.IsNaN(logit))
        {
            return threshold;
        }

        heap[0] = new LogitCandidate(id, logit);
        SiftDown(heap, 0);
        return heap[0].Logit;
    }

    // The heap is a max-heap under the rank order: the root is the candidate that ranks last.
    private static void SiftUp(Span<LogitCandidate> heap, int index)
    {
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (heap[parent].CompareTo(heap[index]) >= 0)
            {
                return;
            }

            (heap[parent], heap[index]) = (heap[index], heap[parent]);
            index = parent;
        }
    }

    private static void SiftDown(Span<LogitCandidate> heap, int index)
    {
        while (true)
        {
            var worst = index;
            var left = (2 * index) + 1;
            var right = left + 1;
            if (left < heap.Length && heap[left].CompareTo(heap[worst]) > 0)
            {
                worst = left;
            }

            if (right < heap.Length && heap[right].CompareTo(heap[worst]) > 0)
            {
                worst = right;
            }

            if (worst == index)
            {
                return;
            }

            (heap[worst], heap[index]) = (heap[index], heap[worst]);
            index = worst;
        }
    }
}
