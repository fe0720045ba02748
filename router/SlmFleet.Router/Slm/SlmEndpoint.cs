using Grpc.Net.Client;

namespace SlmFleet.Router.Slm;

/// <summary>
/// One worker replica: its gRPC channel, how many calls are in flight (for least-outstanding
/// balancing), and its ejection state. A failure ejects it for a back-off that doubles per
/// consecutive failure (1 s … 30 s); after that it is tried again, and a success clears the count.
/// </summary>
internal sealed class SlmEndpoint : IDisposable
{
    private static readonly TimeSpan BaseEjection = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxEjection = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel;
    private int _outstanding;
    private int _consecutiveFailures;
    private long _ejectedUntilUtcTicks;

    public SlmEndpoint(Uri address)
    {
        Address = address;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
        Client = new Inference.V1.Inference.InferenceClient(_channel);
    }

    public Uri Address { get; }

    public Inference.V1.Inference.InferenceClient Client { get; }

    public int Outstanding => Volatile.Read(ref _outstanding);

    public bool IsEjected(DateTimeOffset now) => now.UtcTicks < Interlocked.Read(ref _ejectedUntilUtcTicks);

    public void Begin() => Interlocked.Increment(ref _outstanding);

    public void End() => Interlocked.Decrement(ref _outstanding);

    public void RecordSuccess() => Interlocked.Exchange(ref _consecutiveFailures, 0);

    /// <summary>Ejects the endpoint; returns how long.</summary>
    public TimeSpan RecordFailure(DateTimeOffset now)
    {
        var failures = Math.Min(Interlocked.Increment(ref _consecutiveFailures), 16);
        var ejection = TimeSpan.FromTicks(Math.Min(MaxEjection.Ticks, BaseEjection.Ticks << (failures - 1)));
        Interlocked.Exchange(ref _ejectedUntilUtcTicks, (now + ejection).UtcTicks);
        return ejection;
    }

    public void Dispose() => _channel.Dispose();
}
