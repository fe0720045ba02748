namespace SlmFleet.Operator.Tests.Testing;

/// <summary>Waits for a condition instead of sleeping: robust on a loaded machine, never asserts timing.</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task UntilAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        await UntilAsync(() => Task.FromResult(condition()), because, timeout);
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {(timeout ?? DefaultTimeout).TotalSeconds}s: {because}");
            }

            await Task.Delay(20);
        }
    }
}
