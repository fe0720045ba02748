using SlmFleet.Worker.Scheduling;

namespace SlmFleet.Worker.Tests.Scheduling;

[TestFixture]
public sealed class UtilizationTrackerTests
{
    private sealed class ManualTime : TimeProvider
    {
        public long Now { get; set; }

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => Now;
    }

    [Test]
    public void Utilization_BusyQuarterOfWindow_IsQuarter()
    {
        var time = new ManualTime();
        var tracker = new UtilizationTracker(time, TimeSpan.FromSeconds(10));
        time.Now = 10_000;
        tracker.BeginBusy();
        time.Now = 12_500;
        tracker.EndBusy();
        time.Now = 20_000;

        tracker.Utilization().Should().BeApproximately(0.25, 1e-9);
    }

    [Test]
    public void Utilization_BusyPeriodOutsideWindow_Forgotten()
    {
        var time = new ManualTime();
        var tracker = new UtilizationTracker(time, TimeSpan.FromSeconds(10));
        tracker.BeginBusy();
        time.Now = 5_000;
        tracker.EndBusy();
        time.Now = 30_000;

        tracker.Utilization().Should().Be(0);
    }

    [Test]
    public void Utilization_StillBusy_CountsTheOpenPeriod()
    {
        var time = new ManualTime();
        var tracker = new UtilizationTracker(time, TimeSpan.FromSeconds(10));
        time.Now = 10_000;
        tracker.BeginBusy();
        time.Now = 20_000;

        tracker.Utilization().Should().BeApproximately(1.0, 1e-9);
    }

    [Test]
    public void TokensPerSecond_CountsTokensInWindow()
    {
        var time = new ManualTime();
        var tracker = new UtilizationTracker(time, TimeSpan.FromSeconds(10));
        time.Now = 1_000;
        tracker.AddTokens(50);
        time.Now = 15_000;
        tracker.AddTokens(30);
        time.Now = 20_000;

        tracker.TokensPerSecond().Should().BeApproximately(3.0, 1e-9);
    }
}
