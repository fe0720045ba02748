using System.Net.Security;
using SlmFleet.Router.Hosting;

namespace SlmFleet.Router.Tls;

/// <summary>
/// The router's TLS certificate, reloaded when its files change (cert-manager renews the Secret, the
/// kubelet swaps the mounted files) without a restart.
/// <code>
///   handshake ──► Current ──(interval not elapsed)──► cached generation         (no I/O)
///                    │
///                    └─(elapsed, one thread)──► stat both files ──(unchanged)──► cached
///                                                   │
///                                                   └─(changed)──► load ──ok──► new generation
///                                                                    └─fail──► warn once, keep cached
/// </code>
/// A handshake never waits for another thread's check: while one thread checks, the others use the
/// cached generation. A failed load (half-written files) is retried only when a file changes again.
/// </summary>
internal sealed class ReloadingCertificate
{
    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TimeSpan _checkInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private ServingCertificate _current;
    private long _checkedAt;
    private (DateTime Certificate, DateTime Key) _seenStamps;

    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a valid PEM certificate or key, or they do not match.</exception>
    public ReloadingCertificate(string certificatePath, string keyPath, TimeSpan checkInterval, TimeProvider time, ILogger logger)
    {
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _checkInterval = checkInterval;
        _time = time;
        _logger = logger;
        _seenStamps = Stamps();
        _current = CertificateFiles.Load(certificatePath, keyPath);
        _checkedAt = time.GetTimestamp();
        Announce(_current);
    }

    /// <summary>The generation to present now; checks the files when the interval has elapsed.</summary>
    public ServingCertificate Current
    {
        get
        {
            if (_time.GetElapsedTime(Interlocked.Read(ref _checkedAt)) >= _checkInterval && _gate.TryEnter())
            {
                try
                {
                    if (_time.GetElapsedTime(_checkedAt) >= _checkInterval)
                    {
                        Interlocked.Exchange(ref _checkedAt, _time.GetTimestamp());
                        ReloadIfChanged();
                    }
                }
                finally
                {
                    _gate.Exit();
                }
            }

            return Volatile.Read(ref _current);
        }
    }

    /// <summary>Kestrel's per-connection TLS callback: the current generation's shared server options.</summary>
    public ValueTask<SslServerAuthenticationOptions> OnConnectionAsync() => ValueTask.FromResult(Current.ServerOptions);

    private void ReloadIfChanged()
    {
        var stamps = Stamps();
        if (stamps == _seenStamps)
        {
            return;
        }

        // Remembered even when the load fails: the same half-written files would fail again, and the
        // warning is logged once per change, not once per interval.
        _seenStamps = stamps;
        try
        {
            var loaded = CertificateFiles.Load(_certificatePath, _keyPath);
            // The previous generation is not disposed: handshakes in flight may still be using it.
            Volatile.Write(ref _current, loaded);
            Announce(loaded);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            var serving = _current.Leaf.Thumbprint;
            TlsLog.ReloadFailed(_logger, _certificatePath, _keyPath, serving, ex.Message);
        }
    }

    // Through the symlinks: the kubelet renews a Secret volume by swapping its ..data link.
    private (DateTime, DateTime) Stamps() => (MountedFile.LastWriteTimeUtc(_certificatePath), MountedFile.LastWriteTimeUtc(_keyPath));

    private void Announce(ServingCertificate certificate)
    {
        var leaf = certificate.Leaf;
        var notAfter = leaf.NotAfter.ToUniversalTime();
        TlsLog.Loaded(_logger, leaf.Subject, leaf.Thumbprint, certificate.IntermediateCount, notAfter, _certificatePath);
        if (notAfter < _time.GetUtcNow().UtcDateTime)
        {
            TlsLog.Expired(_logger, leaf.Subject, leaf.Thumbprint, notAfter);
        }
    }
}
