namespace SlmFleet.Operator.Runtime;

/// <summary>Settings of a <see cref="ControllerManager"/>.</summary>
internal sealed class ManagerOptions
{
    /// <summary>Timings shared by the manager's informers.</summary>
    public InformerOptions Informers { get; init; } = new();

    /// <summary>Leader election; null runs controllers without it (single replica, tests).</summary>
    public LeaderElectionOptions? LeaderElection { get; init; }
}
