using System.Diagnostics;

namespace SlmFleet.Bench.Operator;

/// <summary>
/// The parent's handle on a child process of the benchmark (<see cref="ApiServerHost"/> or
/// <see cref="ClusterObserverHost"/>): this executable started again with a flag, answering one line
/// per command on stdin. Work the benchmark does besides the operator lives there, so this process's
/// peak RSS stays the operator's alone.
/// </summary>
internal sealed class BenchChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1);

    private BenchChildProcess(Process process) => _process = process;

    public static BenchChildProcess Start(params string[] arguments)
    {
        var start = StartInfo(arguments);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"the benchmark child process ({arguments[0]}) did not start");
        return new BenchChildProcess(process);
    }

    /// <summary>How to start this benchmark executable again with <paramref name="arguments"/>.</summary>
    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the benchmark executable");
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // Started as `dotnet SlmFleet.Bench.Operator.dll`: the child needs the assembly path too.
            start.ArgumentList.Add(typeof(BenchChildProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Sends one command and returns the child's one-line answer; an answer starting <c>error:</c> throws.</summary>
    public async Task<string> AskAsync(string command)
    {
        await _gate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            var answer = await _process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the benchmark child process exited");
            return answer.StartsWith("error:", StringComparison.Ordinal) ? throw new InvalidOperationException(answer) : answer;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await _process.StandardInput.WriteLineAsync("quit");
            await _process.StandardInput.FlushAsync();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _gate.Dispose();
    }
}
