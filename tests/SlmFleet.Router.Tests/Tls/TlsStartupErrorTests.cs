using System.Diagnostics;
using SlmFleet.Router.Hosting;

namespace SlmFleet.Router.Tests.Tls;

/// <summary>
/// Every way the TLS flags can be wrong fails start-up (before Kestrel binds) with a message naming
/// the flag and the path; the real executable turns that into exit code 2 and one line on stderr.
/// </summary>
[TestFixture]
public sealed class TlsStartupErrorTests
{
    private string _directory = null!;
    private string _certificate = null!;
    private string _key = null!;
    private string _otherKey = null!;

    [OneTimeSetUp]
    public void CreateFiles()
    {
        _directory = Path.Combine(Path.GetTempPath(), "slm-tls-errors-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        var (_, certificatePem, keyPem) = TestCertificates.Create("router-errors", ecdsa: false);
        var (_, _, otherKeyPem) = TestCertificates.Create("router-other", ecdsa: false);
        _certificate = Write("tls.crt", certificatePem);
        _key = Write("tls.key", keyPem);
        _otherKey = Write("other.key", otherKeyPem);
        Write("policies.yaml", TlsRouter.EmptyPolicies);
    }

    [OneTimeTearDown]
    public void DeleteFiles() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Build_CertificateWithoutKey_FailsNamingTheMissingFlag()
    {
        var act = () => Build(o => o.TlsPrivateKey = null);

        act.Should().Throw<InvalidOperationException>().WithMessage("*--tls-certificate is set but --tls-private-key is not*");
    }

    [Test]
    public void Build_KeyWithoutCertificate_FailsNamingTheMissingFlag()
    {
        var act = () => Build(o => o.TlsCertificate = null);

        act.Should().Throw<InvalidOperationException>().WithMessage("*--tls-private-key is set but --tls-certificate is not*");
    }

    [TestCase("--tls-certificate")]
    [TestCase("--tls-private-key")]
    public void Build_FileMissing_FailsNamingFlagAndPath(string flag)
    {
        var missing = Path.Combine(_directory, "nope.pem");

        var act = () => Build(o => Set(o, flag, missing));

        act.Should().Throw<FileNotFoundException>().WithMessage($"*{flag}*'{missing}' does not exist*");
    }

    [TestCase("--tls-certificate", "", "no PEM certificate")]
    [TestCase("--tls-certificate", "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n", "certificate")]
    [TestCase("--tls-certificate", "hello, I am not a certificate", "no PEM certificate")]
    [TestCase("--tls-private-key", "", "no valid PEM private key")]
    [TestCase("--tls-private-key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "no valid PEM private key")]
    [TestCase("--tls-private-key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted")]
    public void Build_InvalidPem_FailsNamingFlagAndPath(string flag, string content, string expected)
    {
        var path = Write("invalid-" + Guid.NewGuid().ToString("N")[..6] + ".pem", content);

        var act = () => Build(o => Set(o, flag, path));

        act.Should().Throw<InvalidDataException>().WithMessage($"*{flag}*'{path}'*{expected}*");
    }

    [Test]
    public void Build_TruncatedKey_FailsNamingTheKeyFlag()
    {
        var text = File.ReadAllText(_key);
        var path = Write("truncated.key", text[..(text.Length / 2)]);

        var act = () => Build(o => o.TlsPrivateKey = path);

        act.Should().Throw<InvalidDataException>().WithMessage($"*--tls-private-key*'{path}'*");
    }

    [Test]
    public void Build_KeyOfAnotherCertificate_FailsSayingItDoesNotMatch()
    {
        var act = () => Build(o => o.TlsPrivateKey = _otherKey);

        act.Should().Throw<InvalidDataException>().WithMessage($"*--tls-private-key*'{_otherKey}'*does not match*'{_certificate}'*");
    }

    [Test]
    public void Build_EcdsaKeyForRsaCertificate_FailsSayingItDoesNotMatch()
    {
        var (_, _, ecdsaKey) = TestCertificates.Create("router-ec");
        var path = Write("ec.key", ecdsaKey);

        var act = () => Build(o => o.TlsPrivateKey = path);

        act.Should().Throw<InvalidDataException>().WithMessage("*ECDSA key that does not match*");
    }

    [Test]
    public void Build_HttpListenWithCertificate_FailsNamingListen()
    {
        var act = () => Build(o => o.Listen = "http://127.0.0.1:0");

        act.Should().Throw<InvalidOperationException>().WithMessage("*--listen 'http://127.0.0.1:0'*HTTPS only*");
    }

    [Test]
    public void Build_HttpsListenWithoutCertificate_FailsNamingTheFlags()
    {
        var act = () => Build(o => (o.TlsCertificate, o.TlsPrivateKey) = (null, null));

        act.Should().Throw<InvalidOperationException>().WithMessage("*--listen 'https://127.0.0.1:0'*needs --tls-certificate and --tls-private-key*");
    }

    [Test]
    public void Build_ZeroReloadInterval_FailsNamingTheFlag()
    {
        var act = () => Build(o => o.TlsReloadSeconds = 0);

        act.Should().Throw<InvalidOperationException>().WithMessage("*--tls-reload-seconds: 0*");
    }

    [Test]
    public async Task Executable_CertificateWithoutKey_ExitsWithCode2AndOneLineOnStderr()
    {
        // Arrange: the router built next to these tests (same configuration), run as a real process.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var routerDll = Path.Combine(SlmFleet.Testing.TestPaths.RepositoryRoot, "router", "SlmFleet.Router", "bin", configuration, "net10.0", "slm-router.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { routerDll, "--listen", "https://127.0.0.1:0", "--policies", Path.Combine(_directory, "policies.yaml"), "--tls-certificate", _certificate })
        {
            start.ArgumentList.Add(argument);
        }

        // Act
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);

        // Assert
        process.ExitCode.Should().Be(2, await stdout);
        (await stderr).Trim().Should().StartWith("slm-router: --tls-certificate is set but --tls-private-key is not");
    }

    private WebApplication Build(Action<RouterOptions> change)
    {
        var options = new RouterOptions
        {
            Listen = "https://127.0.0.1:0",
            Policies = Path.Combine(_directory, "policies.yaml"),
            SecretsDir = Path.Combine(_directory, "secrets"),
            TlsCertificate = _certificate,
            TlsPrivateKey = _key,
        };
        change(options);
        var app = RouterHost.Build(options);
        ((IDisposable)app).Dispose();
        return app;
    }

    private static void Set(RouterOptions options, string flag, string path)
    {
        if (flag == "--tls-certificate")
        {
            options.TlsCertificate = path;
        }
        else
        {
            options.TlsPrivateKey = path;
        }
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
