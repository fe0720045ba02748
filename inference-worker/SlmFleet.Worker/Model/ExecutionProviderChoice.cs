namespace SlmFleet.Worker.Model;

/// <summary>The --execution-provider setting.</summary>
internal enum ExecutionProviderChoice
{
    Auto,
    Cpu,
    Cuda,
}
