namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Everything the decision looks at for one fleet. <paramref name="CurrentReplicas"/> is the replica
/// count already asked for (the scale subresource's spec), so pods not yet created count as capacity
/// on its way just like warming ones.
/// </summary>
internal sealed record FleetObservation(
    IReadOnlyList<PodSample> Pods,
    int CurrentReplicas,
    DateTimeOffset? LastScaleTime,
    DateTimeOffset Now);
