namespace SlmFleet.Bench.Worker;

/// <summary>
/// Prompts of random ids drawn from the model's ordinary tokens (no BOS, EOS, pad or added tokens),
/// from one seeded generator: the same run asks both sides for exactly the same ids.
/// </summary>
internal sealed class PromptFactory(IReadOnlyList<int> allowedIds, Random random)
{
    public int[] Next(int length)
    {
        var ids = new int[length];
        for (var i = 0; i < length; i++)
        {
            ids[i] = allowedIds[random.Next(allowedIds.Count)];
        }

        return ids;
    }

    public int[][] Next(int count, int length) => [.. Enumerable.Range(0, count).Select(_ => Next(length))];
}
