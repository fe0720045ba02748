using SlmFleet.Router.Budget;

namespace SlmFleet.Router.Tests.Budget;

[TestFixture]
public sealed class BudgetMonthTests
{
    [Test]
    public void TryParse_StatusMonth_MatchesTheMonthOfATime()
    {
        var parsed = BudgetMonth.TryParse("2026-11", out var month);

        parsed.Should().BeTrue();
        month.Should().Be(BudgetMonth.Of(new DateTimeOffset(2026, 11, 30, 23, 59, 59, TimeSpan.Zero)));
        month.Should().NotBe(BudgetMonth.Of(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public void Of_OffsetTime_UsesUtc()
    {
        var month = BudgetMonth.Of(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(2)));

        BudgetMonth.TryParse("2026-11", out var november).Should().BeTrue();
        month.Should().Be(november);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("2026-13")]
    [TestCase("2026-00")]
    [TestCase("2026-1")]
    [TestCase("2026/11")]
    [TestCase("2026-11-01")]
    [TestCase("+026-11")]
    [TestCase("November")]
    public void TryParse_NotYyyyMm_IsNoMonth(string? text)
    {
        BudgetMonth.TryParse(text, out _).Should().BeFalse();
    }
}
