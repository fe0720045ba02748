namespace SlmFleet.Router.Hosting;

/// <summary>
/// <c>/readyz</c>'s state: not ready until <see cref="RouterWarmUp"/> has run, so that a new replica
/// gets traffic only once its first requests no longer pay for JIT compilation and type loading.
/// <c>/healthz</c> (liveness) does not wait for it.
/// </summary>
internal sealed class ReadinessGate
{
    private volatile bool _ready;

    public bool Ready => _ready;

    public void MarkReady() => _ready = true;
}
