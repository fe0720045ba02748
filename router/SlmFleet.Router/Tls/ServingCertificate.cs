using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SlmFleet.Router.Tls;

/// <summary>
/// One loaded certificate generation: the leaf (with its private key) and the TLS server options that
/// present it with its intermediates. The options are built once per generation and shared by every
/// handshake; SslStream copies what it needs, so sharing is safe and costs nothing per connection.
/// </summary>
internal sealed class ServingCertificate
{
    public ServingCertificate(X509Certificate2 leaf, X509Certificate2Collection intermediates)
    {
        Leaf = leaf;
        IntermediateCount = intermediates.Count;
        ServerOptions = new SslServerAuthenticationOptions
        {
            // offline: true builds the chain from the file's intermediates only; no network fetches at start-up.
            ServerCertificateContext = SslStreamCertificateContext.Create(leaf, intermediates, offline: true),
            // Set here, not left to Kestrel: a shared instance must not be filled in by concurrent handshakes.
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            AllowRenegotiation = false, // HTTP/2 forbids renegotiation (RFC 9113, 9.2.1).
            ClientCertificateRequired = false,
        };
    }

    public X509Certificate2 Leaf { get; }

    public int IntermediateCount { get; }

    public SslServerAuthenticationOptions ServerOptions { get; }
}
