using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SlmFleet.Bench.Operator;

/// <summary>The parent's handle on the <see cref="ApiServerHost"/> child process.</summary>
internal sealed class ApiServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1);

    private ApiServerProcess(Process process) => _process = process;

    public string Url { get; private set; } = string.Empty;

    public static async Task<ApiServerProcess> StartAsync()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the benchmark executable");
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // Started as `dotnet SlmFleet.Bench.Operator.dll`: the child needs the assembly path too.
            start.ArgumentList.Add(typeof(ApiServerProcess).Assembly.Location);
        }

        start.ArgumentList.Add(ApiServerHost.Flag);
        var process = Process.Start(start) ?? throw new InvalidOperationException("the API server process did not start");
        var handle = new ApiServerProcess(process);
        handle.Url = await handle.AskAsync("url");
        return handle;
    }

    public async Task<bool> ConvergedAsync(string ns, int objects) =>
        await AskAsync(string.Create(CultureInfo.InvariantCulture, $"converged {ns} {objects}")) == "true";

    public async Task<RequestCounts> RequestsAsync() =>
        JsonSerializer.Deserialize<RequestCounts>(await AskAsync("requests")) ?? throw new InvalidOperationException("no request counts");

    public Task ResetAsync() => AskAsync("reset");

    public async Task<double> PeakRssMbAsync() => double.Parse(await AskAsync("rss"), CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _process.StandardInput.WriteLineAsync("quit");
        await _process.StandardInput.FlushAsync();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _gate.Dispose();
    }

    private async Task<string> AskAsync(string command)
    {
        await _gate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            var answer = await _process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the API server process exited");
            return answer.StartsWith("error:", StringComparison.Ordinal) ? throw new InvalidOperationException(answer) : answer;
        }
        finally
        {
            _gate.Release();
        }
    }
}
