using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SlmFleet.Router.Tls;

/// <summary>
/// Loads a PEM certificate chain and its PEM private key (RSA or ECDSA), with errors that name the flag,
/// the path and what is accepted. Messages never include file contents: the key file is a secret.
/// </summary>
internal static class CertificateFiles
{
    public const string CertificateFlag = "--tls-certificate";
    public const string KeyFlag = "--tls-private-key";

    // A certificate chain or key is a few KiB; anything far larger is not one, and is not read whole.
    private const long MaxFileBytes = 1024 * 1024;

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is unreadable, not PEM, or the key does not match the certificate.</exception>
    public static ServingCertificate Load(string certificatePath, string keyPath)
    {
        var certificatePem = Read(CertificateFlag, certificatePath);
        var keyPem = Read(KeyFlag, keyPath);
        var chain = ReadChain(certificatePath, certificatePem);
        using var key = ReadKey(keyPath, keyPem);
        var leaf = Pair(chain[0], key, certificatePath, keyPath);
        RequireServerAuth(leaf, certificatePath);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        return new ServingCertificate(leaf, intermediates);
    }

    private static string Read(string flag, string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new FileNotFoundException($"{flag}: '{path}' does not exist; give a PEM file (e.g. tls.crt / tls.key of a kubernetes.io/tls Secret).", path);
            }

            if (info.Length > MaxFileBytes)
            {
                throw new InvalidDataException($"{flag}: '{path}' is {info.Length} bytes; a PEM certificate or key is at most {MaxFileBytes} bytes.");
            }

            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException and not FileNotFoundException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{flag}: '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static X509Certificate2Collection ReadChain(string path, string pem)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException($"{CertificateFlag}: '{path}' holds a malformed PEM CERTIFICATE block ({ex.Message}).", ex);
        }

        if (chain.Count == 0)
        {
            throw new InvalidDataException($"{CertificateFlag}: '{path}' holds no PEM certificate; expected '-----BEGIN CERTIFICATE-----' blocks, the server certificate first, then its intermediates.");
        }

        return chain;
    }

    private static AsymmetricAlgorithm ReadKey(string path, string pem)
    {
        if (pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{KeyFlag}: '{path}' holds an encrypted private key; the router needs an unencrypted PEM key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY).");
        }

        if (TryImport(RSA.Create(), pem) is { } rsa)
        {
            return rsa;
        }

        if (TryImport(ECDsa.Create(), pem) is { } ecdsa)
        {
            return ecdsa;
        }

        throw new InvalidDataException($"{KeyFlag}: '{path}' holds no valid PEM private key; expected an unencrypted RSA or ECDSA key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY).");
    }

    private static T? TryImport<T>(T algorithm, string pem)
        where T : AsymmetricAlgorithm
    {
        try
        {
            algorithm.ImportFromPem(pem);
            return algorithm;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            algorithm.Dispose();
            return null;
        }
    }

    private static X509Certificate2 Pair(X509Certificate2 certificate, AsymmetricAlgorithm key, string certificatePath, string keyPath)
    {
        try
        {
            return key switch
            {
                RSA rsa => certificate.CopyWithPrivateKey(rsa),
                ECDsa ecdsa => certificate.CopyWithPrivateKey(ecdsa),
                _ => throw new ArgumentException("unsupported key type", nameof(key)),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            var keyKind = key is RSA ? "an RSA" : "an ECDSA";
            throw new InvalidDataException(
                $"{KeyFlag}: '{keyPath}' is {keyKind} key that does not match the first certificate in {CertificateFlag} '{certificatePath}' (subject {certificate.Subject}, public key {certificate.PublicKey.Oid.FriendlyName}); give the key the certificate was issued for.",
                ex);
        }
    }

    private static void RequireServerAuth(X509Certificate2 leaf, string path)
    {
        foreach (var extension in leaf.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension usage && !usage.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ServerAuthOid))
            {
                throw new InvalidDataException($"{CertificateFlag}: '{path}': certificate {leaf.Subject} has an extended key usage without serverAuth ({ServerAuthOid}), so clients would refuse it.");
            }
        }
    }
}
