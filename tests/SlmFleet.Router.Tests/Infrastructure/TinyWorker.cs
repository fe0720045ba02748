extern alias worker;
using worker::SlmFleet.Worker.Hosting;
using worker::SlmFleet.Worker.Model;
using worker::SlmFleet.Worker.ModelBuilder;

namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>One real worker on the tiny model, shared by every integration test in the run (started on first use).</summary>
[SetUpFixture]
public sealed class TinyWorker
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _directory;
    private static WorkerHost? _host;

    /// <summary>The worker's gRPC address.</summary>
    public static async Task<Uri> AddressAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_host is null)
            {
                _directory = Path.Combine(Path.GetTempPath(), "slm-router-tests-" + Guid.NewGuid().ToString("N")[..8], "tiny");
                ModelFolderWriter.Write(_directory, ModelPreset.Tiny, seed: 7);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
                var host = await WorkerHost.StartAsync(
                    new WorkerOptions
                    {
                        ModelDirectory = _directory,
                        ExecutionProvider = ExecutionProviderChoice.Cpu,
                        WarmupPrompts = ["warm up"],
                        Seed = 1,
                        DefaultMaxNewTokens = 16,
                        LogLevel = LogLevel.Warning,
                    },
                    timeout.Token);
                await host.WaitUntilWarmAsync(timeout.Token);
                _host = host;
            }

            return _host.GrpcAddress;
        }
        finally
        {
            Gate.Release();
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_directory is not null)
        {
            Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
        }
    }
}
