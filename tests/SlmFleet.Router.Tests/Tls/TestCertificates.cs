using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SlmFleet.Router.Tests.Tls;

/// <summary>Self-signed (or CA-signed) server certificates for 127.0.0.1 made in the test, as PEM text.</summary>
internal static class TestCertificates
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>A certificate and its PEM private key; <paramref name="ecdsa"/> picks P-256 over RSA-2048.</summary>
    public static (X509Certificate2 Certificate, string CertificatePem, string KeyPem) Create(string name, bool ecdsa = true, X509Certificate2? issuer = null)
    {
        var subject = new X500DistinguishedName($"CN={name}");
        using AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var request = key is ECDsa ec
            ? new CertificateRequest(subject, ec, HashAlgorithmName.SHA256)
            : new CertificateRequest(subject, (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuth)], critical: false));
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(30);
        X509Certificate2 certificate;
        if (issuer is null)
        {
            certificate = request.CreateSelfSigned(notBefore, notAfter);
        }
        else
        {
            var serial = new byte[8];
            RandomNumberGenerator.Fill(serial);
            using var signed = request.Create(issuer, notBefore, notAfter, serial);
            certificate = X509CertificateLoader.LoadCertificate(signed.RawData);
        }

        // Both PEM shapes cert-manager writes: PKCS#1 for RSA, SEC1 for ECDSA.
        var keyPem = key is ECDsa e ? e.ExportECPrivateKeyPem() : ((RSA)key).ExportRSAPrivateKeyPem();
        return (X509CertificateLoader.LoadCertificate(certificate.RawData), certificate.ExportCertificatePem(), keyPem);
    }

    /// <summary>A CA that can sign certificates (its private key attached): a root, or an intermediate under <paramref name="issuer"/>.</summary>
    public static X509Certificate2 CreateAuthority(string name, X509Certificate2? issuer = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(60);
        if (issuer is null)
        {
            return request.CreateSelfSigned(notBefore, notAfter);
        }

        using var signed = request.Create(issuer, notBefore, notAfter, [1, 2, 3, 4]);
        return signed.CopyWithPrivateKey(key);
    }
}
