using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>An autoscaler under test: keeps its own state between calls, like the operator would.</summary>
internal interface IScaler
{
    int Decide(FleetObservation observation);
}
