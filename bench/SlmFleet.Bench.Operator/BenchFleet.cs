using k8s;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Bench.Operator;

/// <summary>The SlmDeployments both benchmark modes create, and how they create them "at once".</summary>
internal static class BenchFleet
{
    /// <summary>Creates in flight at a time: enough to keep the API server busy, as a `kubectl apply` of many files would.</summary>
    private const int InFlight = 32;

    /// <summary>
    /// Creates <paramref name="objects"/> SlmDeployments concurrently; returns once every create has been
    /// answered. <paramref name="created"/> gets each create's response as it arrives.
    /// </summary>
    public static async Task CreateAllAsync(IKubernetes client, string ns, int objects, Func<int, int> minReplicas, Action<V1Alpha1SlmDeployment>? created = null)
    {
        using var gate = new SemaphoreSlim(InFlight);
        var tasks = Enumerable.Range(0, objects).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var answer = await client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
                    Resource(i, ns, minReplicas(i)), SlmDeploymentResource.Group, SlmDeploymentResource.Version, ns, SlmDeploymentResource.Plural);
                created?.Invoke(answer);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
    }

    // A mix of the catalog's accelerators, as a real fleet would have.
    private static V1Alpha1SlmDeployment Resource(int i, string ns, int minReplicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"slm-{i:D4}", NamespaceProperty = ns },
        Spec = new SlmDeploymentSpec
        {
            Model = new ModelSpec
            {
                Name = $"model-{i:D4}",
                Source = new ModelSourceSpec { Uri = "hf://onnx-community/Qwen2.5-1.5B-Instruct" },
                ParametersBillions = 1.54,
                Quantization = "int4",
                ContextLength = 4096,
                Architecture = new ModelArchitectureSpec { Layers = 28, KvHeads = 2, HeadSize = 128 },
            },
            Accelerator = new AcceleratorSpec { Type = Accelerator(i) },
            MinReplicas = minReplicas,
            MaxReplicas = 4,
        },
    };

    /// <summary>The accelerator class of the <paramref name="i"/>-th SlmDeployment: the four catalog classes in turn.</summary>
    public static string Accelerator(int i) => (i % 4) switch { 0 => "nvidia-t4", 1 => "nvidia-a10g", 2 => "nvidia-l4", _ => "cpu" };
}
