namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Who controls an object that carries the name an SlmDeployment wants for its workers.</summary>
internal enum OwnerState
{
    /// <summary>No object has the name.</summary>
    Absent,

    /// <summary>This SlmDeployment (by uid) is its controller.</summary>
    Ours,

    /// <summary>An earlier SlmDeployment of the same name (another uid) controls it: the garbage collector is about to delete it.</summary>
    PreviousIncarnation,

    /// <summary>Anything else: an unrelated object, or one controlled by something else. The operator must not touch it.</summary>
    Foreign,
}
