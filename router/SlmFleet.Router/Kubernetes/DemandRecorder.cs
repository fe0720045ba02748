using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using SlmFleet.Api;
using SlmFleet.Api.ColdStart;
using SlmFleet.Router.Observability;

namespace SlmFleet.Router.Kubernetes;

/// <summary>
/// Tells the operator that a request found an SlmDeployment without a ready replica, by setting the
/// <see cref="ApiGroup.DemandAnnotation"/> annotation on it (a metadata-only merge patch: it never
/// touches the spec or the status, which belong to people and the operator). The operator scales a
/// fleet at zero to one replica as soon as it sees the annotation change.
/// <para>
/// At most one patch per deployment per <see cref="Interval"/> from this router: a burst of cold
/// requests is one write, and the operator's rule ("demand within the scale-down window") needs no
/// finer clock. In local mode (no cluster) nothing is attached and nothing is written.
/// </para>
/// </summary>
internal sealed class DemandRecorder(TimeProvider time, RouterMetrics metrics, ILogger<DemandRecorder> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastWritten = new(StringComparer.Ordinal);
    private volatile Target? _target;

    /// <summary>Cluster mode: where demand is written (the watcher's client and namespace).</summary>
    public void Attach(IKubernetes client, string ns) => _target = new Target(client, ns);

    /// <summary>Records demand for <paramref name="deployment"/> unless this router did within <see cref="Interval"/>; never waits for the write.</summary>
    public void Record(string deployment)
    {
        if (_target is not { } target)
        {
            return;
        }

        var now = time.GetUtcNow();
        // Of concurrent cold requests, the one whose compare-and-swap wins writes.
        var claimed = _lastWritten.TryGetValue(deployment, out var previous)
            ? now - previous >= Interval && _lastWritten.TryUpdate(deployment, now, previous)
            : _lastWritten.TryAdd(deployment, now);
        if (!claimed)
        {
            return;
        }

        _ = WriteAsync(target, deployment, now);
    }

    private async Task WriteAsync(Target target, string deployment, DateTimeOffset at)
    {
        var patch = new { metadata = new { annotations = new Dictionary<string, string> { [ApiGroup.DemandAnnotation] = DemandStamp.Format(at) } } };
        try
        {
            await target.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch(patch, V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version, target.Namespace, "slmdeployments", deployment,
                fieldManager: "slm-router").ConfigureAwait(false);
            metrics.RecordDemand(deployment, "written");
        }
        catch (Exception ex) when (ex is k8s.Autorest.HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            // Held requests still escalate at their objective; the next cold request tries again.
            _lastWritten.TryRemove(KeyValuePair.Create(deployment, at));
            metrics.RecordDemand(deployment, "failed");
            RouterLog.DemandNotRecorded(logger, deployment, ex is k8s.Autorest.HttpOperationException http ? $"HTTP {(int)http.Response.StatusCode}" : ex.GetType().Name);
        }
    }

    private sealed record Target(IKubernetes Client, string Namespace);
}
