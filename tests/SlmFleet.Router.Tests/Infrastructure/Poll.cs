namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>Waits for a condition instead of sleeping a fixed time (robust on a loaded machine).</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"timed out waiting for {what}");
    }
}
