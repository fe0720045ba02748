using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SlmFleet.Bench.Router;

/// <summary>Installs and starts the peers the router is compared with. Each returns null with a reason when it cannot run here.</summary>
internal static class Peers
{
    public const string PortkeyVersion = "1.15.2";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The Portkey AI gateway from npm, installed into a git-ignored folder beside the benchmark.</summary>
    public static async Task<(ChildProcess? Process, Target? Target, string? Why)> StartPortkeyAsync(string peersDir, Uri upstream, byte[] body, string logDir)
    {
        var dir = Path.Combine(peersDir, "portkey");
        var entry = Path.Combine(dir, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
        if (!File.Exists(entry))
        {
            Directory.CreateDirectory(dir);
            var (code, output) = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", dir, $"@portkey-ai/gateway@{PortkeyVersion}"], TimeSpan.FromMinutes(3));
            if (code != 0 || !File.Exists(entry))
            {
                return (null, null, $"npm install @portkey-ai/gateway@{PortkeyVersion} failed (exit {code}): {Tail(output)}");
            }
        }

        var port = FreePort();
        var process = ChildProcess.Start("node", [entry, $"--port={port}"], Path.Combine(logDir, "portkey.log"));
        if (!await process.WaitForHttpAsync(new Uri($"http://127.0.0.1:{port}/"), TimeSpan.FromSeconds(30)))
        {
            process.Dispose();
            return (null, null, "Portkey gateway did not start within 30 s (see portkey.log)");
        }

        var target = new Target("portkey", new Uri($"http://127.0.0.1:{port}/v1/chat/completions"), body,
        [
            new("x-portkey-provider", "openai"),
            new("x-portkey-custom-host", upstream.ToString().TrimEnd('/')),
            new("Authorization", "Bearer bench-dummy-key"),
        ]) { Process = process };
        return (process, target, null);
    }

    /// <summary>nginx as a plain reverse proxy with upstream keep-alive; installed with apt-get when missing and running as root.</summary>
    public static async Task<(ChildProcess? Process, Target? Target, string? Why)> StartNginxAsync(string peersDir, Uri upstream, byte[] body, string logDir)
    {
        var nginx = FindNginx();
        if (nginx is null)
        {
            if (Environment.UserName != "root")
            {
                return (null, null, "nginx is not installed and the benchmark is not root, so it cannot apt-get install it");
            }

            await RunAsync("apt-get", ["update"], TimeSpan.FromMinutes(3));
            var (code, output) = await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "nginx"], TimeSpan.FromMinutes(3));
            nginx = FindNginx();
            if (nginx is null)
            {
                return (null, null, $"apt-get install -y nginx failed (exit {code}): {Tail(output)}");
            }
        }

        var prefix = Path.Combine(peersDir, "nginx");
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        var port = FreePort();
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            worker_processes auto;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/logs/error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{prefix}}/body;
              proxy_temp_path {{prefix}}/proxy;
              fastcgi_temp_path {{prefix}}/fastcgi;
              uwsgi_temp_path {{prefix}}/uwsgi;
              scgi_temp_path {{prefix}}/scgi;
              upstream llm { server 127.0.0.1:{{upstream.Port}}; keepalive 256; }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://llm;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                }
              }
            }
            """);
        var process = ChildProcess.Start(nginx, ["-p", prefix, "-c", config, "-g", "daemon off;"], Path.Combine(logDir, "nginx.log"));
        if (!await process.WaitForHttpAsync(new Uri($"http://127.0.0.1:{port}/"), TimeSpan.FromSeconds(15)))
        {
            process.Dispose();
            return (null, null, "nginx did not start within 15 s (see nginx.log)");
        }

        return (process, new Target("nginx", new Uri($"http://127.0.0.1:{port}/v1/chat/completions"), body, []) { Process = process }, null);
    }

    private static readonly string[] NginxPaths = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"];

    private static string? FindNginx() => NginxPaths.FirstOrDefault(File.Exists);

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return (-1, "timed out");
            }

            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }

    private static string Tail(string text) => text.Length <= 300 ? text.Trim() : text[^300..].Trim();
}
