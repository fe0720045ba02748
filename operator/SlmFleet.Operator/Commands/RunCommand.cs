using System.CommandLine;
using System.Net;
using k8s.Exceptions;
using SlmFleet.Operator.Hosting;
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

        var command = new Command("run", "Run the SLM Fleet controllers until stopped (SIGTERM or Ctrl+C).")
        {
            kubeconfig, ns, leaderElect, leaseNamespace, healthAddress, healthPort, workerImage, workers,
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
            };
            using var loggers = LoggerFactory.Create(builder => builder.AddSimpleConsole(o => o.SingleLine = true));
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
