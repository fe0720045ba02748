using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using k8s.Models;
using SlmFleet.Inference.V1;
using SlmFleet.Operator.SlmDeployments;
using InferenceClient = SlmFleet.Inference.V1.Inference.InferenceClient;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Reads <c>Stats</c> from each worker pod over gRPC (plaintext HTTP/2, the worker's port
/// <see cref="WorkerPorts.Grpc"/> on the pod IP). One channel per address is kept and reused, so a
/// tick costs one HTTP/2 request per pod, not a connection.
/// </summary>
internal sealed class GrpcWorkerStatsSource : IWorkerStatsSource, IDisposable
{
    private readonly Func<V1Pod, Uri?> _resolve;
    private readonly TimeSpan _timeout;
    private readonly ConcurrentDictionary<Uri, GrpcChannel> _channels = new();

    /// <param name="timeout">Deadline of one Stats call; a slow worker counts as a missing sample.</param>
    /// <param name="resolve">Maps a pod to its gRPC address; default: <c>http://{status.podIP}:50051</c>. Tests point it at fake workers.</param>
    public GrpcWorkerStatsSource(TimeSpan timeout, Func<V1Pod, Uri?>? resolve = null)
    {
        _timeout = timeout;
        _resolve = resolve ?? PodAddress;
    }

    /// <summary>The worker's gRPC address from the pod IP; null while the pod has none.</summary>
    public static Uri? PodAddress(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var ip = pod.Status?.PodIP;
        if (string.IsNullOrEmpty(ip))
        {
            return null;
        }

        var host = ip.Contains(':', StringComparison.Ordinal) ? "[" + ip + "]" : ip;
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{WorkerPorts.Grpc}"));
    }

    public async Task<WorkerStats> ReadAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var name = pod.Metadata?.Name ?? "?";
        var address = _resolve(pod) ?? throw new WorkerStatsUnavailableException($"pod {name} has no IP address yet");
        var channel = _channels.GetOrAdd(address, a => GrpcChannel.ForAddress(a));
        var client = new InferenceClient(channel);
        try
        {
            var reply = await client.StatsAsync(new StatsRequest(), deadline: DateTime.UtcNow + _timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!double.IsFinite(reply.Utilization))
            {
                throw new WorkerStatsUnavailableException($"pod {name} at {address} reported utilization {reply.Utilization}; accepted: a finite number in 0..1");
            }

            // Capacity utilization (demand against the batch slots) when the worker reports it: the duty
            // cycle reads ~100 % with one sequence in a 16-slot batch. Older workers report only the duty cycle.
            var utilization = reply.MaxBatch > 0 && double.IsFinite(reply.CapacityUtilization) ? reply.CapacityUtilization : reply.Utilization;
            return new WorkerStats(utilization, reply.QueueDepth, double.IsFinite(reply.TokensPerSecond) ? Math.Max(0, reply.TokensPerSecond) : 0);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WorkerStatsUnavailableException($"Stats on pod {name} at {address} failed: {e.StatusCode} {e.Status.Detail}", e);
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
    }
}
