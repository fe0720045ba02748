namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Everything the decision looks at for one fleet. <paramref name="CurrentReplicas"/> is the replica
/// count already asked for (the scale subresource's spec), so pods not yet created count as capacity
/// on its way just like warming ones. <paramref name="DemandAt"/> is when a router last found no ready
/// replica (the <c>slmfleet.io/demand-at</c> annotation): the only signal a fleet at zero has.
/// </summary>
internal sealed record FleetObservation(
    IReadOnlyList<PodSample> Pods,
    int CurrentReplicas,
    DateTimeOffset? LastScaleTime,
    DateTimeOffset Now,
    DateTimeOffset? DemandAt = null);
