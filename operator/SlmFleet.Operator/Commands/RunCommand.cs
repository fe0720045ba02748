using System.CommandLine;
using System.Net;
using k8s.Exceptions;
using SlmFleet.Operator.Hosting;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Commands;

/// <summary><c>slm-operator run</c>: runs the controllers against the cluster of the kubeconfig or the pod.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Path of a kubeconfig file. Default: in-cluster config inside a pod, else $KUBECONFIG or ~/.kube/config." };
        var ns = new Option<string?>("--namespace") { Description = "Watch only this namespace. Default: all namespaces." };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Elect a leader through the 'slm-operator' Lease; only the leader reconciles." };
        var leaseNamespace = new Option<string?>("--leader-election-namespace") { Description = "Namespace of the leader Lease. Default: the pod's namespace." };
        var healthAddress = new Option<string>("--health-address") { Description = "Address of /healthz, /readyz and /metrics.", DefaultValueFactory = _ => "0.0.0.0" };
        var healthPort = new Option<int>("--health-port") { Description = "Port of /healthz, /readyz and /metrics.", DefaultValueFactory = _ => 8081 };
        var workerImage = new Option<string>("--worker-image") { Description = "Worker image for SlmDeployments that set no spec.image.", DefaultValueFactory = _ => new SlmDeploymentOptions().WorkerImage };
        var workers = new Option<int>("--workers") { Description = "Concurrent reconciles.", DefaultValueFactory = _ => new OperatorHostOptions().Workers };
        var routerNamespace = new Option<string?>("--router-namespace") { Description = "Namespace of the router pods whose /metrics give RoutingPolicy usage. Default: the pod's namespace." };
        var routerSelector = new Option<string>("--router-selector") { Description = "Label selector of the router pods.", DefaultValueFactory = _ => new RoutingPolicyOptions().RouterSelector };
        var routerMetricsPort = new Option<int>("--router-metrics-port") { Description = "Router metrics port, for pods without a container port named 'metrics'.", DefaultValueFactory = _ => new RoutingPolicyOptions().RouterMetricsPort };
        var routerUrls = new Option<string[]>("--router-metrics-url") { Description = "A router's /metrics URL (repeatable); when given, router pods are not listed (local runs).", DefaultValueFactory = _ => [] };
        var usageInterval = new Option<int>("--usage-interval-seconds") { Description = "How often router usage is read into RoutingPolicy status.", DefaultValueFactory = _ => (int)new RoutingPolicyOptions().UsageInterval.TotalSeconds };

        var command = new Command("run", "Run the SLM Fleet controllers until stopped (SIGTERM or Ctrl+C).")
        {
            kubeconfig, ns, leaderElect, leaseNamespace, healthAddress, healthPort, workerImage, workers, routerNamespace, routerSelector, routerMetricsPort, routerUrls, usageInterval,
        };
        healthPort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError($"--health-port {result.GetValueOrDefault<int>()} is out of range; accepted: 0–65535.");
            }
        });
        healthAddress.Validators.Add(result =>
        {
            if (!IPAddress.TryParse(result.GetValueOrDefault<string>(), out _))
            {
                result.AddError($"--health-address \"{result.GetValueOrDefault<string>()}\" is not an IP address; accepted: e.g. 0.0.0.0, 127.0.0.1, ::.");
            }
        });
        workers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 256)
            {
                result.AddError($"--workers {result.GetValueOrDefault<int>()} is out of range; accepted: 1–256.");
            }
        });

        // The autoscaler's option, kept in one block.
        var autoscaleInterval = new Option<int>("--autoscale-interval") { Description = "Seconds between autoscaler passes (worker Stats read, decision, scale). 0 switches the autoscaler off.", DefaultValueFactory = _ => 15 };
        command.Options.Add(autoscaleInterval);
        var prometheusUrl = new Option<string?>("--prometheus-url") { Description = "Read worker load from this Prometheus (e.g. http://prometheus.monitoring:9090/) instead of each worker's Stats RPC." };
        command.Options.Add(prometheusUrl);
        prometheusUrl.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && (!Uri.TryCreate(value, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https")))
            {
                result.AddError($"--prometheus-url \"{value}\" is not an absolute http(s) URL; accepted: e.g. http://prometheus.monitoring:9090/.");
            }
        });
        autoscaleInterval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 3600)
            {
                result.AddError($"--autoscale-interval {result.GetValueOrDefault<int>()} is out of range; accepted: 0 (off) to 3600 seconds.");
            }
        });
        routerMetricsPort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                result.AddError($"--router-metrics-port {result.GetValueOrDefault<int>()} is out of range; accepted: 1–65535.");
            }
        });
        routerUrls.Validators.Add(result =>
        {
            foreach (var url in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
                {
                    result.AddError($"--router-metrics-url \"{url}\" is not an absolute http(s) URL; accepted: e.g. http://127.0.0.1:9090/metrics.");
                }
            }
        });
        usageInterval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 3600)
            {
                result.AddError($"--usage-interval-seconds {result.GetValueOrDefault<int>()} is out of range; accepted: 1–3600.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new OperatorHostOptions
            {
                Kubeconfig = parse.GetValue(kubeconfig),
                Namespace = parse.GetValue(ns),
                LeaderElect = parse.GetValue(leaderElect),
                LeaderElectionNamespace = parse.GetValue(leaseNamespace),
                HealthAddress = IPAddress.Parse(parse.GetValue(healthAddress)!),
                HealthPort = parse.GetValue(healthPort),
                Workers = parse.GetValue(workers),
                SlmDeployments = new SlmDeploymentOptions { WorkerImage = parse.GetValue(workerImage)! },
                Autoscaler = new Autoscaling.AutoscalerOptions
                {
                    Interval = TimeSpan.FromSeconds(parse.GetValue(autoscaleInterval)),
                    // A base URL must end in '/' so relative API paths resolve under it.
                    PrometheusUrl = parse.GetValue(prometheusUrl) is { } url ? new Uri(url.EndsWith('/') ? url : url + "/") : null,
                },
                RoutingPolicies = new RoutingPolicyOptions
                {
                    RouterNamespace = parse.GetValue(routerNamespace),
                    RouterSelector = parse.GetValue(routerSelector)!,
                    RouterMetricsPort = parse.GetValue(routerMetricsPort),
                    RouterMetricsUrls = [.. (parse.GetValue(routerUrls) ?? []).Select(u => new Uri(u))],
                    UsageInterval = TimeSpan.FromSeconds(parse.GetValue(usageInterval)),
                },
            };
            // Log levels come from the environment (Logging__LogLevel__Default=Debug), as the Helm chart sets them.
            var logging = new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection("Logging");
            using var loggers = LoggerFactory.Create(builder => builder.AddConfiguration(logging).AddSimpleConsole(o => o.SingleLine = true));
            try
            {
                return await OperatorHost.RunAsync(options, loggers, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeConfigException e)
            {
                // No usable cluster configuration: say which source was tried, not a stack trace.
                var source = options.Kubeconfig is null ? "in-cluster config, $KUBECONFIG or ~/.kube/config" : $"--kubeconfig \"{options.Kubeconfig}\"";
                await Console.Error.WriteLineAsync($"slm-operator run: no usable cluster configuration from {source}: {e.Message}").ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }
}
