namespace SlmFleet.Operator.Catalog;

/// <summary>One cloud instance type: its name (the <c>node.kubernetes.io/instance-type</c> label value), GPUs and price.</summary>
internal sealed record InstanceType(string Name, int Gpus, double OnDemandUsdPerHour);
