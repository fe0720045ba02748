namespace SlmFleet.Router.Tls;

/// <summary>Source-generated log messages for the router's TLS certificate. Paths and public facts only, never key material.</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Serving TLS certificate {Subject} (thumbprint {Thumbprint}, {Intermediates} intermediates, valid until {NotAfter:O}) from {CertificatePath}")]
    public static partial void Loaded(ILogger logger, string subject, string thumbprint, int intermediates, DateTime notAfter, string certificatePath);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "TLS certificate reload from {CertificatePath} and {KeyPath} failed; still serving thumbprint {Thumbprint}: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, string certificatePath, string keyPath, string thumbprint, string reason);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "TLS certificate {Subject} (thumbprint {Thumbprint}) expired at {NotAfter:O}; clients will refuse it until the files are renewed")]
    public static partial void Expired(ILogger logger, string subject, string thumbprint, DateTime notAfter);
}
