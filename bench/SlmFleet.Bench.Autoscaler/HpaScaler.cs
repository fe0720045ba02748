using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>Runs the Kubernetes HPA baseline, <see cref="HpaAlgorithm"/>.</summary>
internal sealed class HpaScaler(HpaPolicy policy) : IScaler
{
    private HpaState _state = HpaState.Empty;

    public int Decide(FleetObservation observation)
    {
        var decision = HpaAlgorithm.Decide(policy, observation, _state);
        _state = decision.State;
        return decision.DesiredReplicas;
    }
}
