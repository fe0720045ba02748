using System.Net;
using System.Text.Json;

namespace SlmFleet.Router.Tests.Reliability;

/// <summary>
/// The router at four times its concurrency limit (the LLM behind it holds every answer for a few
/// seconds): excess requests are refused at once with 429, <c>Retry-After</c> and an OpenAI error body,
/// admitted ones are answered, and after the burst a request is served normally. No timing is asserted.
/// </summary>
[TestFixture]
public sealed class OverloadTests
{
    [Test]
    public async Task Burst_FourTimesConcurrencyLimit_ExcessGets429WithRetryAfter_ThenRecovers()
    {
        // Arrange
        const int limit = 4;
        await using var router = await ReliableRouter.StartAsync(maxConcurrentRequests: limit);
        router.Llm.Latency = TimeSpan.FromSeconds(3);

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, limit * 4).Select(async _ =>
        {
            using var response = await router.ValidAsync();
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, Body: body);
        }));
        router.Llm.Latency = TimeSpan.Zero;
        using var after = await router.ValidAsync();
        var admitted = results.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refused = results.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        TestContext.Out.WriteLine($"RELIABILITY router-overload limit={limit} sent={results.Length} admitted={admitted} refused429={refused.Length} other={results.Length - admitted - refused.Length}");

        // Assert
        results.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.TooManyRequests);
        admitted.Should().BeGreaterThanOrEqualTo(limit).And.BeLessThan(results.Length);
        refused.Should().OnlyContain(r => r.RetryAfter > TimeSpan.Zero);
        refused.Should().OnlyContain(r => JsonDocument.Parse(r.Body, default).RootElement.GetProperty("error").GetProperty("type").GetString() == "rate_limit_error");
        after.StatusCode.Should().Be(HttpStatusCode.OK, "the router recovers once the burst is over");
    }
}
