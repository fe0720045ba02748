namespace SlmFleet.Operator.SlmDeployments;

/// <summary>A desired object and whether it must be written.</summary>
internal sealed record ObjectWrite<T>(T Desired, WriteKind Kind)
    where T : class;
