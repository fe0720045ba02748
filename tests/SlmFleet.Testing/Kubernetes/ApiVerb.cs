namespace SlmFleet.Testing.Kubernetes;

/// <summary>The API verbs the test server counts and can inject faults into (Kubernetes RBAC names).</summary>
public enum ApiVerb
{
    Get,
    List,
    Watch,
    Create,
    Update,
    Patch,
    Delete,
    DeleteCollection,
}
