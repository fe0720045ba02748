using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SlmFleet.Testing.Worker;

/// <summary>
/// Runs a real <c>slm-worker</c> as a child process on loopback (for tests that cannot reference the
/// worker assembly, e.g. because they compile the same .proto as a client). It starts
/// <c>serve --port 0 --metrics-port 0 --listen 127.0.0.1</c>, reads the bound addresses from the
/// worker's log, and waits until warm-up has finished.
/// </summary>
public sealed partial class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<(Uri Grpc, Uri Metrics)> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _warm = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];
    private readonly Lock _outputLock = new();

    private WorkerProcess(Process process) => _process = process;

    /// <summary>gRPC endpoint, e.g. http://127.0.0.1:41234.</summary>
    public Uri GrpcAddress { get; private set; } = null!;

    /// <summary>Prometheus endpoint, e.g. http://127.0.0.1:41235/metrics.</summary>
    public Uri MetricsAddress { get; private set; } = null!;

    /// <summary>Operating-system process id (benchmarks read its memory from /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Everything the worker printed so far (for assertion messages).</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>
    /// The worker built next to the tests: inference-worker/SlmFleet.Worker/bin/{configuration}/net10.0/slm-worker.dll.
    /// Reference the worker project with ReferenceOutputAssembly="false" so it is built first.
    /// </summary>
    public static string DefaultWorkerDll(string configuration = "Release")
        => Path.Combine(TestPaths.RepositoryRoot, "inference-worker", "SlmFleet.Worker", "bin", configuration, "net10.0", "slm-worker.dll");

    /// <summary>Runs <c>slm-worker make-model --preset tiny</c> into <paramref name="directory"/>.</summary>
    public static Task MakeTinyModelAsync(string workerDll, string directory, CancellationToken cancellationToken) =>
        MakeModelAsync(workerDll, directory, "tiny", cancellationToken);

    /// <summary>Runs <c>slm-worker make-model --preset <paramref name="preset"/></c> into <paramref name="directory"/>.</summary>
    public static async Task MakeModelAsync(string workerDll, string directory, string preset, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(workerDll, "make-model", "--out", directory, "--preset", preset))!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"slm-worker make-model exited with {process.ExitCode}: {await stderr}");
        }
    }

    /// <summary>Starts a worker on <paramref name="modelDirectory"/>; extra serve flags go in <paramref name="serveArguments"/>.</summary>
    public static async Task<WorkerProcess> StartAsync(string workerDll, string modelDirectory, TimeSpan timeout, params string[] serveArguments)
    {
        var arguments = new List<string> { "serve", "--model", modelDirectory, "--port", "0", "--metrics-port", "0", "--listen", "127.0.0.1" };
        arguments.AddRange(serveArguments);
        var process = Process.Start(StartInfo(workerDll, [.. arguments]))!;
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            var error = new InvalidOperationException($"slm-worker exited with {process.ExitCode}: {worker.Output}");
            worker._listening.TrySetException(error);
            worker._warm.TrySetException(error);
        };

        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            (worker.GrpcAddress, worker.MetricsAddress) = await worker._listening.Task.WaitAsync(cancel.Token);
            await worker._warm.Task.WaitAsync(cancel.Token);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    private static ProcessStartInfo StartInfo(string workerDll, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(workerDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.Add(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult((new Uri(match.Groups[1].Value), new Uri(match.Groups[2].Value)));
        }
        else if (line.Contains(" warm after ", StringComparison.Ordinal))
        {
            _warm.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Listening: gRPC (\S+), metrics (\S+)")]
    private static partial Regex ListeningLine();
}
