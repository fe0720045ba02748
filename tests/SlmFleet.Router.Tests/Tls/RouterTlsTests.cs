using System.Net;
using System.Security.Cryptography.X509Certificates;
using SlmFleet.Router.Tests.Infrastructure;

namespace SlmFleet.Router.Tests.Tls;

/// <summary>
/// The router serving HTTPS from PEM files laid out like a mounted kubernetes.io/tls Secret: the
/// presented certificate, HTTP/2 over ALPN, the chain, no clear-text answers, and rotation without a
/// restart (new files picked up after the check interval; broken files never replace a good certificate).
/// </summary>
[TestFixture]
public sealed class RouterTlsTests
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Https_RsaCertificate_ServesModelsPresentingTheTestCertificate()
    {
        // Arrange
        var (certificate, certificatePem, keyPem) = TestCertificates.Create("router-rsa", ecdsa: false);
        using var volume = SecretVolume.Create(("tls.crt", certificatePem), ("tls.key", keyPem));
        await using var router = await TlsRouter.StartAsync(volume);

        // Act
        var models = await router.GetAsync("/v1/models", [certificate]);

        // Assert
        router.BaseUrl.Scheme.Should().Be("https");
        models.Status.Should().Be(HttpStatusCode.OK, models.Body);
        models.Body.Should().Contain("\"object\":\"list\"");
        models.Thumbprint.Should().Be(certificate.Thumbprint);
    }

    [Test]
    public async Task Https_EcdsaCertificate_NegotiatesHttp2()
    {
        // Arrange
        var (certificate, certificatePem, keyPem) = TestCertificates.Create("router-ecdsa");
        using var volume = SecretVolume.Create(("tls.crt", certificatePem), ("tls.key", keyPem));
        await using var router = await TlsRouter.StartAsync(volume);

        // Act
        var health = await router.GetAsync("/healthz", [certificate], HttpVersion.Version20);

        // Assert
        health.Status.Should().Be(HttpStatusCode.OK);
        health.Body.Should().Be("ok");
        health.Version.Should().Be(HttpVersion.Version20);
        health.Thumbprint.Should().Be(certificate.Thumbprint);
    }

    [Test]
    public async Task Http2_HeaderOverTheRoutersLimit_Gets431WithOpenAiBody()
    {
        // Arrange: 40 KiB in one field, over the router's 32 KiB and over Kestrel's default HTTP/2 field cap (16 KiB).
        var (certificate, certificatePem, keyPem) = TestCertificates.Create("router-h2-headers");
        using var volume = SecretVolume.Create(("tls.crt", certificatePem), ("tls.key", keyPem));
        await using var router = await TlsRouter.StartAsync(volume);

        // Act
        var answer = await router.GetAsync("/v1/models", [certificate], HttpVersion.Version20, ("x-task-type", new string('t', 40 * 1024)));

        // Assert
        answer.Version.Should().Be(HttpVersion.Version20);
        answer.Status.Should().Be(HttpStatusCode.RequestHeaderFieldsTooLarge, answer.Body);
        answer.Body.Should().Contain("request_headers_too_large").And.Contain("at most 32768 bytes");
    }

    [Test]
    public async Task Https_CertificateFileWithIntermediate_SendsTheIntermediate()
    {
        // Arrange: tls.crt holds the server certificate then its intermediate CA, as cert-manager writes
        // it; the client knows neither the intermediate nor the root.
        using var root = TestCertificates.CreateAuthority("test-root");
        using var intermediate = TestCertificates.CreateAuthority("test-intermediate", root);
        var (certificate, certificatePem, keyPem) = TestCertificates.Create("router-chained", issuer: intermediate);
        using var volume = SecretVolume.Create(("tls.crt", certificatePem + "\n" + intermediate.ExportCertificatePem() + "\n"), ("tls.key", keyPem));
        await using var router = await TlsRouter.StartAsync(volume);

        // Act
        var health = await router.GetAsync("/healthz", [certificate]);

        // Assert: the client could build server -> intermediate only from what the server sent.
        health.Status.Should().Be(HttpStatusCode.OK);
        health.Thumbprint.Should().Be(certificate.Thumbprint);
        health.ChainLength.Should().Be(2);
    }

    [Test]
    public async Task PlainHttp_ToTheTlsPort_GetsNoClearTextAnswer()
    {
        // Arrange
        var (certificate, certificatePem, keyPem) = TestCertificates.Create("router-plain");
        using var volume = SecretVolume.Create(("tls.crt", certificatePem), ("tls.key", keyPem));
        await using var router = await TlsRouter.StartAsync(volume);
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        // Act
        var raw = await router.SendPlainHttpAsync();
        var viaClient = async () => await plain.GetAsync(new UriBuilder(router.BaseUrl) { Scheme = "http" }.Uri + "healthz");
        var after = await router.GetAsync("/healthz", [certificate]);

        // Assert
        raw.Should().NotContain("HTTP/1.1").And.NotContain("ok");
        await viaClient.Should().ThrowAsync<HttpRequestException>();
        after.Status.Should().Be(HttpStatusCode.OK, "a clear-text client does not disturb the listener");
    }

    [Test]
    public async Task Rotation_NewFilesAndIntervalElapsed_NewConnectionsPresentTheNewCertificate()
    {
        // Arrange
        var (first, firstPem, firstKey) = TestCertificates.Create("router-first", ecdsa: false);
        var (second, secondPem, secondKey) = TestCertificates.Create("router-second");
        using var volume = SecretVolume.Create(("tls.crt", firstPem), ("tls.key", firstKey));
        await using var router = await TlsRouter.StartAsync(volume);
        X509Certificate2[] both = [first, second];
        var before = await router.GetAsync("/healthz", both);

        // Act: the kubelet swaps the files; the router looks again only once the interval has passed.
        volume.Rotate(("tls.crt", secondPem), ("tls.key", secondKey));
        var withinInterval = await router.GetAsync("/healthz", both);
        router.Clock.Advance(CheckInterval);
        var afterInterval = await router.GetAsync("/healthz", both);

        // Assert
        before.Thumbprint.Should().Be(first.Thumbprint);
        withinInterval.Thumbprint.Should().Be(first.Thumbprint, "the files are checked at most once per interval");
        afterInterval.Thumbprint.Should().Be(second.Thumbprint);
        afterInterval.Status.Should().Be(HttpStatusCode.OK);
        router.Logs.AllText.Should().Contain(second.Thumbprint, "the new certificate is announced");
    }

    [Test]
    public async Task Rotation_HalfWrittenOrBrokenFiles_KeepServingTheOldCertificateAndWarn()
    {
        // Arrange
        var (first, firstPem, firstKey) = TestCertificates.Create("router-kept");
        var (second, secondPem, secondKey) = TestCertificates.Create("router-next");
        using var volume = SecretVolume.Create(("tls.crt", firstPem), ("tls.key", firstKey));
        await using var router = await TlsRouter.StartAsync(volume);
        X509Certificate2[] both = [first, second];
        var seen = new List<string>();
        async Task Check()
        {
            router.Clock.Advance(CheckInterval);
            var presented = await router.GetAsync("/healthz", both);
            presented.Status.Should().Be(HttpStatusCode.OK);
            seen.Add(presented.Thumbprint);
        }

        // Act: a new certificate before its key, a truncated key, garbage, an empty file; then the whole pair.
        volume.OverwriteInPlace(("tls.crt", secondPem));
        await Check();
        volume.OverwriteInPlace(("tls.key", secondKey[..(secondKey.Length / 2)]));
        await Check();
        volume.OverwriteInPlace(("tls.crt", "\0\0garbage\0"));
        await Check();
        volume.OverwriteInPlace(("tls.crt", string.Empty), ("tls.key", string.Empty));
        await Check();
        volume.OverwriteInPlace(("tls.crt", secondPem), ("tls.key", secondKey));
        await Check();

        // Assert
        seen.Should().Equal([first.Thumbprint, first.Thumbprint, first.Thumbprint, first.Thumbprint, second.Thumbprint], router.Logs.AllText);
        var warnings = router.Logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Text.Contains("reload", StringComparison.Ordinal)).ToList();
        warnings.Should().HaveCount(4, router.Logs.AllText);
        warnings.Should().OnlyContain(w => w.Text.Contains(first.Thumbprint, StringComparison.Ordinal), "each warning names the certificate still served");
        router.Logs.Entries.Should().NotContain(e => e.Level >= LogLevel.Error);
        var keyBody = secondKey.Split('\n')[1];
        router.Logs.AllText.Should().NotContain(keyBody, "key material is never logged");
    }
}
