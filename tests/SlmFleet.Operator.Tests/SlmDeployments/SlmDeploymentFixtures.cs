using k8s;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary>Valid SlmDeployments and a stand-in for what the API server does to the objects the planner renders.</summary>
internal static class SlmDeploymentFixtures
{
    public static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    public static SlmDeploymentPlanner Planner() => new(AcceleratorCatalog.Default, new SlmDeploymentOptions());

    public static V1Alpha1SlmDeployment Valid(string accelerator = "nvidia-l4") => new()
    {
        Metadata = new V1ObjectMeta { Name = "qwen", NamespaceProperty = "ml", Uid = "uid-1", Generation = 1 },
        Spec = new SlmDeploymentSpec
        {
            Model = new ModelSpec
            {
                Name = "qwen2.5-1.5b",
                Source = new ModelSourceSpec { Uri = "hf://onnx-community/Qwen2.5-1.5B-Instruct" },
                ParametersBillions = 1.5,
                Quantization = "int4",
                ContextLength = 4096,
                Architecture = new ModelArchitectureSpec { Layers = 28, KvHeads = 2, HeadSize = 128 },
            },
            Accelerator = new AcceleratorSpec { Type = accelerator },
            MinReplicas = 1,
            MaxReplicas = 4,
        },
    };

    public static SlmDeploymentObserved Observe(V1Alpha1SlmDeployment resource, DateTime? now = null) => new()
    {
        Resource = resource,
        Now = now ?? T0,
    };

    /// <summary>
    /// Applies a plan the way an API server would: a JSON round trip plus defaulted and server-owned
    /// fields (resourceVersion, clusterIP, template defaults, status), then the status written back.
    /// </summary>
    public static SlmDeploymentObserved Apply(SlmDeploymentObserved observed, SlmDeploymentPlan plan, int readyReplicas = 0)
    {
        var deployment = plan.Deployment is null ? observed.Deployment : RoundTrip(plan.Deployment.Desired);
        if (deployment is not null && plan.Deployment is not null)
        {
            deployment.Metadata.ResourceVersion = "42";
            deployment.Metadata.Generation = 1;
            deployment.Spec.Template.Spec.RestartPolicy = "Always";
            deployment.Spec.Template.Spec.DnsPolicy = "ClusterFirst";
            deployment.Spec.Template.Spec.Containers[0].TerminationMessagePath = "/dev/termination-log";
            var replicas = deployment.Spec.Replicas ?? 0;
            deployment.Status = new V1DeploymentStatus
            {
                ObservedGeneration = 1,
                Replicas = replicas,
                UpdatedReplicas = replicas,
                ReadyReplicas = Math.Min(readyReplicas, replicas),
                AvailableReplicas = Math.Min(readyReplicas, replicas),
            };
        }

        var service = plan.Service is null ? observed.Service : RoundTrip(plan.Service.Desired);
        if (service is not null && plan.Service is not null)
        {
            service.Spec.ClusterIP = "10.96.0.17";
            service.Spec.SessionAffinity = "None";
        }

        var budget = plan.DisruptionBudget is null ? observed.DisruptionBudget : RoundTrip(plan.DisruptionBudget.Desired);
        var resource = RoundTrip(observed.Resource);
        resource.Status = RoundTrip(plan.Status);
        return observed with { Resource = resource, Deployment = deployment, Service = service, DisruptionBudget = budget };
    }

    public static T RoundTrip<T>(T value) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));
}
