using System.Collections.Concurrent;
using SlmFleet.Api.ColdStart;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Kubernetes;
using SlmFleet.Router.Policies;

namespace SlmFleet.Router.Slm;

/// <summary>The fate of one request at a cold start: the planner's cause, how long it was held, and whether a replica is ready now.</summary>
internal readonly record struct ColdStartOutcome(string Decision, TimeSpan Held, bool Ready);

/// <summary>
/// Requests for an SlmDeployment that may scale to zero and has no endpoint pass through here before
/// the SLM is tried. Each one records demand (the operator scales the fleet 0 → 1), then the shared
/// rule (<see cref="ColdStartPlanner"/>) holds it until the deployment's pool gets an endpoint — at most
/// the policy's objective — or sends it to the LLM at once.
/// <para>
/// A cold start's clock starts when this router first sees the fleet cold, or earlier when the operator's
/// status says the scale-up began before (another router recorded the demand): the prediction counts down
/// from there. A new spell without endpoints (a later scale to zero) is a new cold start, told apart by
/// the pool's signal task. Held requests are counted per deployment for the queue bound.
/// </para>
/// </summary>
internal sealed class ColdStartGate(PolicyStore policies, SlmEndpointRegistry registry, DemandRecorder demand, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ColdSpell> _spells = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="deployment"/> may scale to zero and has no endpoint now.</summary>
    public bool IsCold(string deployment) =>
        registry.Get(deployment).Endpoints.Count == 0 && policies.Current.Deployment(deployment) is { ScalesToZero: true };

    /// <param name="deployment">The SlmDeployment the request would use.</param>
    /// <param name="spec">The policy's cold-start settings (a direct request uses the defaults).</param>
    /// <param name="canEscalate">False when there is no LLM to send the request to (a direct request, or an exhausted slm-only budget).</param>
    /// <param name="cancellationToken">The request's abort.</param>
    public async Task<ColdStartOutcome> AwaitAsync(string deployment, ColdStartSpec spec, bool canEscalate, CancellationToken cancellationToken)
    {
        var pool = registry.Get(deployment);
        var signal = pool.EndpointsSignal;
        var now = time.GetUtcNow();
        var spell = _spells.AddOrUpdate(deployment, static (_, arg) => new ColdSpell(arg.signal, arg.now), static (_, old, arg) => old.Signal == arg.signal ? old : new ColdSpell(arg.signal, arg.now), (signal, now));
        demand.Record(deployment);

        var entry = policies.Current.Deployment(deployment);
        // The operator's scale time, when it is earlier than this router's first cold request, is the real start.
        var since = entry?.StartingSince is { } scaledAt && scaledAt < spell.Since ? scaledAt : spell.Since;
        var choice = ColdStartPlanner.Decide(spec, entry?.PredictedWarmUpSeconds, now - since, Volatile.Read(ref spell.Held), canEscalate);
        if (choice.Action == ColdStartAction.Escalate)
        {
            return new ColdStartOutcome(choice.Cause, TimeSpan.Zero, Ready: false);
        }

        Interlocked.Increment(ref spell.Held);
        var started = time.GetTimestamp();
        try
        {
            using var objective = new CancellationTokenSource(choice.MaxHold, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(objective.Token, cancellationToken);
            await pool.WhenEndpointsAsync(either.Token).ConfigureAwait(false);
            return new ColdStartOutcome(ColdStartPlanner.Hold, time.GetElapsedTime(started), Ready: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ColdStartOutcome(ColdStartPlanner.WaitExpired, time.GetElapsedTime(started), Ready: false);
        }
        finally
        {
            Interlocked.Decrement(ref spell.Held);
        }
    }

    private sealed class ColdSpell(Task signal, DateTimeOffset since)
    {
        public Task Signal { get; } = signal;

        public DateTimeOffset Since { get; } = since;

        // Requests held now (Interlocked).
        public int Held;
    }
}
