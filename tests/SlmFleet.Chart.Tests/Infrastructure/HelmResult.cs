namespace SlmFleet.Chart.Tests.Infrastructure;

/// <summary>Exit code and output of one helm run.</summary>
internal sealed record HelmResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Describe() => $"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}
