using k8s;
using k8s.Models;

namespace SlmFleet.Operator.Runtime;

/// <summary>
/// Owns the shared informers and the controllers of one operator process:
/// informers run all the time (standbys keep a warm cache), controllers run only while this process
/// is the leader (or always, without leader election). Readiness: every informer synced and, when
/// leading, every controller started.
/// </summary>
internal sealed class ControllerManager
{
    private readonly IKubernetes _client;
    private readonly ManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly Dictionary<ResourceDescriptor, IInformer> _informers = [];
    private readonly object _registrationGate = new();
    private readonly List<IController> _controllers = [];
    private readonly LeaderElectionRunner? _election;
    private volatile bool _running;
    private bool _started;

    public ControllerManager(IKubernetes client, ManagerOptions options, TimeProvider time, ILoggerFactory loggers, RuntimeMetrics metrics)
    {
        _client = client;
        _options = options;
        _time = time;
        _loggers = loggers;
        Metrics = metrics;
        if (options.LeaderElection is { } election)
        {
            _election = new LeaderElectionRunner(client, election, loggers.CreateLogger<LeaderElectionRunner>(), metrics);
        }
    }

    public RuntimeMetrics Metrics { get; }

    public TimeProvider Time => _time;

    /// <summary>True while this process leads (always true without leader election once running).</summary>
    public bool IsLeader => _election?.IsLeader ?? _running;

    public IReadOnlyList<IController> Controllers => _controllers;

    /// <summary>
    /// Raised each time this process starts leading: every term under leader election, once at
    /// <see cref="RunAsync"/> without it. Handlers must be quick (typically: queue work).
    /// </summary>
    public event Action? StartedLeading;

    /// <summary>Ready when all informers have synced and, if leading, all controllers are started.</summary>
    public bool IsReady =>
        _running
        && _informers.Values.All(i => i.HasSynced)
        && (!IsLeader || _controllers.All(c => c.IsStarted));

    /// <summary>The shared informer for a kind (created on first use). Call before <see cref="RunAsync"/>.</summary>
    public Informer<T> GetInformer<T>(ResourceDescriptor? resource = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        resource ??= ResourceDescriptor.For<T>();
        lock (_registrationGate)
        {
            return GetOrAddInformer<T>(resource);
        }
    }

    private Informer<T> GetOrAddInformer<T>(ResourceDescriptor resource)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (_informers.TryGetValue(resource, out var existing))
        {
            return existing as Informer<T>
                ?? throw new InvalidOperationException($"informer for {resource} exists with another type than {typeof(T).Name}");
        }

        if (_started)
        {
            // RunAsync starts the informers it finds when it begins: a later one would never list, and
            // everything waiting for its sync (WaitForSyncAsync, IsReady, the autoscaler) would wait forever.
            throw new InvalidOperationException($"informer for {resource} requested after the manager started: add every controller and informer before RunAsync");
        }

        var informer = new Informer<T>(_client, resource, _options.Informers, _time, _loggers.CreateLogger<Informer<T>>(), Metrics);
        _informers[resource] = informer;
        return informer;
    }

    /// <summary>Creates a controller for <typeparamref name="T"/> on the shared informer and registers it.</summary>
    public Controller<T> AddController<T>(string name, IReconciler<T> reconciler, ControllerOptions<T>? options = null, ResourceDescriptor? resource = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var controller = new Controller<T>(name, GetInformer<T>(resource), reconciler, options ?? new ControllerOptions<T>(), _time, _loggers.CreateLogger<Controller<T>>(), Metrics);
        lock (_registrationGate)
        {
            if (_started)
            {
                throw new InvalidOperationException($"controller {name} added after the manager started: add every controller before RunAsync");
            }

            _controllers.Add(controller);
        }

        return controller;
    }

    /// <summary>Runs informers, then controllers (under leader election when configured), until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        List<IInformer> registered;
        lock (_registrationGate)
        {
            _started = true;
            registered = [.. _informers.Values];
        }

        _running = true;
        try
        {
            var informers = registered.Select(i => i.RunAsync(cancellationToken)).ToList();
            var controllers = _election is null
                ? LeadAsync(cancellationToken)
                : _election.RunAsync(LeadAsync, cancellationToken);
            await Task.WhenAll(informers.Append(controllers)).ConfigureAwait(false);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>Completes when every informer has synced.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_informers.Values.Select(i => i.WaitForSyncAsync(cancellationToken)));

    /// <summary>One term as leader (the whole run without leader election): IsLeader is already true here.</summary>
    private Task LeadAsync(CancellationToken cancellationToken)
    {
        try
        {
            StartedLeading?.Invoke();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A handler's failure must not end the term: the controllers still run.
            RuntimeLog.LeaderElectionError(_loggers.CreateLogger<ControllerManager>(), e);
        }

        return RunControllersAsync(cancellationToken);
    }

    private Task RunControllersAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_controllers.Select(c => c.RunAsync(cancellationToken)));
}
