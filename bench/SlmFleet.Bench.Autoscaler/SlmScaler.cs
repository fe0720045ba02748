using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>Runs the operator's real <see cref="AutoscalerDecision"/>.</summary>
internal sealed class SlmScaler(AutoscalingPolicy policy) : IScaler
{
    private AutoscalerState _state = AutoscalerState.Empty;

    public int Decide(FleetObservation observation)
    {
        var decision = AutoscalerDecision.Decide(policy, observation, _state);
        _state = decision.State;
        return decision.DesiredReplicas;
    }
}
