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
    public void CapacityUtilization_OneSequenceAllWindowInSixteenSlots_IsOneSixteenthWhileDutyCycleIsFull()
    {
        var time = new ManualTime();
        var tracker = new UtilizationTracker(time, TimeSpan.FromSeconds(10), capacity: 16);
        time.Now = 10_000;
        tracker.BeginBusy();
        tracker.SetDemand(1);
        time.Now = 20_000;

        tracker.Utilization().Should().BeApproximately(1.0, 1e-9, "the engine was busy the whole window");
        tracker.CapacityUtilization().Should().BeApproximately(1.0 / 16, 1e-9, "one of sixteen slots was in use");
    }

    [Test]
    public void CapacityUtilization_TimeWeightedDemandIncludingTheQueue()
    {
        var time = new ManualTime();
        var tracker = new UtilizationTracker(time, TimeSpan.FromSeconds(10), capacity: 4);
        time.Now = 10_000;
        tracker.SetDemand(2);       // 2 of 4 slots for 5 s
        time.Now = 15_000;
        tracker.SetDemand(6);       // 4 running + 2 queued for 5 s
        time.Now = 20_000;

        tracker.CapacityUtilization().Should().BeApproximately(((0.5 * 5) + (1.5 * 5)) / 10, 1e-9);
    }

    [Test]
    public void CapacityUtilization_DemandFarBeyondTheSlots_CappedAtTwo()
    {
        var time = new ManualTime();
        var tracker = new UtilizationTracker(time, TimeSpan.FromSeconds(10), capacity: 2);
        tracker.SetDemand(100);
        time.Now = 10_000;

        tracker.CapacityUtilization().Should().Be(UtilizationTracker.MaxCapacityUtilization);
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
