using Grpc.Core;
using SlmFleet.Inference.V1;

namespace SlmFleet.Router.Slm;

/// <summary>
/// A generation in progress on one replica, handed over by <see cref="SlmClient.OpenStreamAsync"/>
/// with its first message already received. Disposing it cancels the call if it is still running and
/// releases the replica's in-flight count.
/// </summary>
internal sealed class SlmStream(AsyncServerStreamingCall<GenerateResponse> call, SlmEndpoint endpoint) : IDisposable
{
    private int _disposed;

    public string Endpoint => endpoint.Address.ToString();

    private volatile bool _broken;

    /// <summary>The replica failed this stream (transport error or an error status), as opposed to a cancellation.</summary>
    public bool Broken => _broken;

    public void MarkBroken() => _broken = true;

    /// <summary>Takes the replica out of rotation like any failed call (see <see cref="SlmEndpoint.RecordFailure"/>).</summary>
    public void Eject(DateTimeOffset now) => endpoint.RecordFailure(now);

    /// <summary>Every message of the generation, the first one included, in order.</summary>
    /// <exception cref="RpcException">The worker failed or the call was cancelled mid-stream.</exception>
    public async IAsyncEnumerable<GenerateResponse> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return call.ResponseStream.Current;
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return call.ResponseStream.Current;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            call.Dispose();
            endpoint.End();
        }
    }
}
