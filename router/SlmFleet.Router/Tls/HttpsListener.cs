using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using SlmFleet.Router.Hosting;

namespace SlmFleet.Router.Tls;

/// <summary>
/// HTTPS for the router: checks that <c>--listen</c> and the certificate flags agree, and binds each
/// listen address with a per-connection TLS callback that presents <see cref="ReloadingCertificate.Current"/>.
/// </summary>
/// <remarks>
/// Why not <c>https://</c> in UseUrls with a ServerCertificateSelector: <c>CreateSlimBuilder</c> leaves
/// Kestrel's configuration-driven HTTPS out (an https:// URL fails at start-up unless
/// <c>UseKestrelHttpsConfiguration()</c> is called), and a selector returns a bare certificate, so
/// SslStream would build the chain from the machine's stores and not send the intermediates in
/// <c>tls.crt</c>. The callback hands SslStream a certificate context that carries them.
/// </remarks>
internal static class HttpsListener
{
    /// <summary>True when the router serves HTTPS; throws when the flags contradict each other.</summary>
    /// <exception cref="InvalidOperationException">Only one of the certificate flags, or a listen scheme that does not match them.</exception>
    public static bool Validate(RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hasCertificate = !string.IsNullOrWhiteSpace(options.TlsCertificate);
        var hasKey = !string.IsNullOrWhiteSpace(options.TlsPrivateKey);
        if (hasCertificate != hasKey)
        {
            var (given, missing) = hasCertificate ? (CertificateFiles.CertificateFlag, CertificateFiles.KeyFlag) : (CertificateFiles.KeyFlag, CertificateFiles.CertificateFlag);
            throw new InvalidOperationException($"{given} is set but {missing} is not; give both PEM files (tls.crt and tls.key of a kubernetes.io/tls Secret) or neither.");
        }

        foreach (var address in Addresses(options.Listen))
        {
            var https = string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase);
            if (hasCertificate && !https)
            {
                throw new InvalidOperationException($"--listen '{address}': with {CertificateFiles.CertificateFlag} the router serves HTTPS only (no plain-HTTP port); use https://HOST:PORT.");
            }

            if (!hasCertificate && https)
            {
                throw new InvalidOperationException($"--listen '{address}': https:// needs {CertificateFiles.CertificateFlag} and {CertificateFiles.KeyFlag} (PEM files).");
            }
        }

        if (hasCertificate && options.TlsReloadSeconds < 1)
        {
            throw new InvalidOperationException($"--tls-reload-seconds: {options.TlsReloadSeconds} is not accepted; give at least 1 (seconds between checks of the certificate files).");
        }

        return hasCertificate;
    }

    /// <summary>Binds every <c>--listen</c> address with TLS from <paramref name="certificate"/>.</summary>
    public static void Listen(KestrelServerOptions kestrel, string listen, ReloadingCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(certificate);
        var tls = new TlsHandshakeCallbackOptions { OnConnection = _ => certificate.OnConnectionAsync() };
        ListenBinder.Bind(kestrel, listen, "--listen", endpoint => endpoint.UseHttps(tls));
    }

    private static IEnumerable<BindingAddress> Addresses(string listen) => ListenBinder.Addresses(listen, "--listen");
}
