using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SlmFleet.Operator.Events;

/// <summary>
/// Posts a planned core/v1 Event on an object, for every controller of the operator. Best effort: a
/// lost Event must not fail or repeat a reconcile, so API errors are logged and reported as <c>false</c>
/// (callers count their own metrics on success).
/// </summary>
internal sealed class EventRecorder
{
    private readonly IKubernetes _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _component;

    public EventRecorder(IKubernetes client, TimeProvider time, ILogger logger, string component)
    {
        _client = client;
        _time = time;
        _logger = logger;
        _component = component;
    }

    /// <summary>Posts the Event; returns whether the API server accepted it.</summary>
    public async Task<bool> PostAsync(IKubernetesObject<V1ObjectMeta> subject, PlannedEvent planned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(planned);
        var now = _time.GetUtcNow().UtcDateTime;
        var ns = subject.Metadata.NamespaceProperty;
        var body = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = subject.Metadata.Name + ".", NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = subject.ApiVersion,
                Kind = subject.Kind,
                Name = subject.Metadata.Name,
                NamespaceProperty = ns,
                Uid = subject.Metadata.Uid,
                ResourceVersion = subject.Metadata.ResourceVersion,
            },
            Type = planned.Type,
            Reason = planned.Reason,
            Message = planned.Message,
            Source = new V1EventSource { Component = _component },
            ReportingComponent = "slmfleet.io/" + _component,
            ReportingInstance = Environment.MachineName,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        try
        {
            await _client.CoreV1.CreateNamespacedEventAsync(body, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e)
        {
            EventLog.EventFailed(_logger, e, planned.Reason, subject.Kind, ns, subject.Metadata.Name);
            return false;
        }
    }
}
