namespace SlmFleet.Operator.SlmDeployments;

/// <summary>What the executor must do with one owned object.</summary>
internal enum WriteKind
{
    /// <summary>The live object already matches: no request.</summary>
    None,

    /// <summary>It does not exist yet.</summary>
    Create,

    /// <summary>It exists but differs in a field the operator owns.</summary>
    Update,
}
