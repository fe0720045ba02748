using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using k8s;
using k8s.Models;

namespace SlmFleet.Testing.ControlPlane;

/// <summary>
/// A real Kubernetes control plane for tests, the way controller-runtime's envtest runs one: etcd and
/// kube-apiserver started from the folder named by <c>KUBEBUILDER_ASSETS</c> (the Makefile and
/// <c>.ci/run</c> set it to what <c>../shared/k8s/assets.sh</c> prints), on loopback ports picked free,
/// once per test process (<see cref="GetAsync"/>), torn down when the process exits. Tests take a
/// namespace each (<see cref="CreateNamespaceAsync"/>). What it is: the API server every cluster runs
/// (server-side apply and managedFields, watches, label selectors, CEL and OpenAPI validation, quotas,
/// admission, RBAC) with no controllers: Deployments get no pods and nothing is garbage collected.
/// Authentication is a static token in <c>system:masters</c>; the serving certificate is the API
/// server's self-signed one (clients skip its verification: nothing leaves 127.0.0.1).
/// </summary>
public sealed class KubeControlPlane : IAsyncDisposable
{
    public const string AssetsVariable = "KUBEBUILDER_ASSETS";
    private const string Token = "control-plane-test-token";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Task<KubeControlPlane>? _shared;

    private readonly string _directory;
    private readonly List<Process> _processes = [];
    private int _namespaces;

    private KubeControlPlane(string directory) => _directory = directory;

    /// <summary>The API server's URL (https://127.0.0.1:port).</summary>
    public string Url { get; private set; } = "";

    /// <summary>A kubeconfig file for this control plane (cluster-admin), for code that reads one.</summary>
    public string KubeconfigPath => Path.Combine(_directory, "kubeconfig");

    /// <summary>Why no control plane can be started here, or null when the binaries are present.</summary>
    public static string? UnavailableReason()
    {
        var assets = Environment.GetEnvironmentVariable(AssetsVariable);
        if (string.IsNullOrEmpty(assets))
        {
            return $"{AssetsVariable} is not set: no etcd/kube-apiserver to test against (make test sets it from ../shared/k8s/assets.sh)";
        }

        var missing = new[] { "etcd", "kube-apiserver" }.Where(b => !File.Exists(Path.Combine(assets, b))).ToList();
        return missing.Count == 0 ? null : $"{AssetsVariable}={assets} has no {string.Join(" or ", missing)}";
    }

    /// <summary>The control plane of this test process, started on first use (a few seconds).</summary>
    public static async Task<KubeControlPlane> GetAsync()
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_shared is null || _shared.IsFaulted)
            {
                _shared = StartAsync();
            }
        }
        finally
        {
            Gate.Release();
        }

        return await _shared.ConfigureAwait(false);
    }

    /// <summary>A client as cluster-admin; <paramref name="handlers"/> see every request (to count them).</summary>
    public k8s.Kubernetes CreateClient(params DelegatingHandler[] handlers) =>
        new(new KubernetesClientConfiguration { Host = Url, AccessToken = Token, SkipTlsVerify = true }, handlers);

    /// <summary>A fresh namespace for one test (never reused; nothing deletes namespaces without a controller-manager).</summary>
    public async Task<string> CreateNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _namespaces)}-{Guid.NewGuid().ToString("N")[..6]}";
        using var client = CreateClient();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }).ConfigureAwait(false);
        return name;
    }

    /// <summary>Creates (or keeps) every CustomResourceDefinition in <paramref name="folder"/> and waits until each is established.</summary>
    public async Task InstallCrdsAsync(string folder)
    {
        using var client = CreateClient();
        await CrdInstaller.InstallAsync(client, folder).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        _processes.Clear();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still open on a slow exit: the temp folder is cleaned up by the OS.
        }
    }

    private static async Task<KubeControlPlane> StartAsync()
    {
        var assets = Environment.GetEnvironmentVariable(AssetsVariable);
        if (UnavailableReason() is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var plane = new KubeControlPlane(Directory.CreateTempSubdirectory("control-plane-").FullName);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => plane.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try
        {
            await plane.RunAsync(assets!).ConfigureAwait(false);
            return plane;
        }
        catch
        {
            await plane.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task RunAsync(string assets)
    {
        var (etcdPort, peerPort, apiPort) = (FreePort(), FreePort(), FreePort());
        var pki = Directory.CreateDirectory(Path.Combine(_directory, "pki")).FullName;
        using (var key = RSA.Create(2048))
        {
            await File.WriteAllTextAsync(Path.Combine(pki, "sa.key"), key.ExportRSAPrivateKeyPem()).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(pki, "sa.pub"), key.ExportSubjectPublicKeyInfoPem()).ConfigureAwait(false);
        }

        await File.WriteAllTextAsync(Path.Combine(pki, "tokens.csv"), $"{Token},admin,admin,\"system:masters\"\n").ConfigureAwait(false);
        Url = $"https://127.0.0.1:{apiPort}";
        await File.WriteAllTextAsync(KubeconfigPath, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: "{Url}"
                insecure-skip-tls-verify: true
            users:
            - name: admin
              user:
                token: {Token}
            contexts:
            - name: admin@local
              context:
                cluster: local
                user: admin
                namespace: default
            current-context: admin@local
            """).ConfigureAwait(false);

        // The flags ../shared/k8s/up.sh passes.
        Start("etcd", Path.Combine(assets, "etcd"),
            "--name", "local", "--data-dir", Path.Combine(_directory, "etcd"), "--unsafe-no-fsync",
            "--listen-client-urls", $"http://127.0.0.1:{etcdPort}", "--advertise-client-urls", $"http://127.0.0.1:{etcdPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-cluster", $"local=http://127.0.0.1:{peerPort}", "--listen-metrics-urls", "");
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            Timeout = TimeSpan.FromSeconds(2),
        };
        await WaitAsync(http, $"http://127.0.0.1:{etcdPort}/health", "etcd").ConfigureAwait(false);

        Start("kube-apiserver", Path.Combine(assets, "kube-apiserver"),
            "--etcd-servers", $"http://127.0.0.1:{etcdPort}", "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
            "--secure-port", apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cert-dir", pki,
            "--token-auth-file", Path.Combine(pki, "tokens.csv"),
            "--service-account-issuer", "https://kubernetes.default.svc", "--service-account-key-file", Path.Combine(pki, "sa.pub"),
            "--service-account-signing-key-file", Path.Combine(pki, "sa.key"), "--service-cluster-ip-range", "10.96.0.0/16",
            "--authorization-mode", "RBAC", "--allow-privileged=true", "--disable-admission-plugins", "ServiceAccount,TaintNodesByCondition");
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        await WaitAsync(http, Url + "/readyz", "kube-apiserver").ConfigureAwait(false);
    }

    private void Start(string name, string path, params string[] arguments)
    {
        // A watchdog shell runs the binary and stops it within a second of this test process going away,
        // however it goes (a test host killed by its runner raises no ProcessExit).
        var watchdog = $"\"$@\" & c=$!; while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $c 2>/dev/null; do sleep 1; done; kill $c 2>/dev/null; wait $c";
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", watchdog, name, path }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {path}");
        var log = new StreamWriter(Path.Combine(_directory, name + ".log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        _processes.Add(process);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The process exited while a line was in flight.
            }
        }
    }

    private async Task WaitAsync(HttpClient http, string url, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_processes[^1].HasExited)
            {
                break;
            }

            try
            {
                using var response = await http.GetAsync(new Uri(url)).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        var logFile = Path.Combine(_directory, what + ".log");
        var tail = File.Exists(logFile) ? string.Join("\n", File.ReadLines(logFile).TakeLast(10)) : "(no log)";
        throw new InvalidOperationException($"{what} did not become ready at {url}:\n{tail}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
