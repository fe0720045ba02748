using System.Globalization;
using System.Text.Json;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Bench.Operator;

/// <summary>
/// The child process of the benchmark: hosts the Kubernetes API test server, so the parent's peak
/// RSS is the operator's alone. Answers one line per command on stdin:
/// <c>url</c>, <c>converged NS N</c>, <c>requests</c> (JSON), <c>reset</c>, <c>rss</c>, <c>quit</c>.
/// </summary>
internal static class ApiServerHost
{
    public const string Flag = "--serve-api";

    public static async Task RunAsync(TextReader input, TextWriter output)
    {
        await using var server = await KubeApiTestServer.StartAsync();
        server.RegisterResource(new ResourceType(
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, SlmDeploymentResource.Plural, V1Alpha1SlmDeployment.KindName,
            HasStatus: true, Scale: new ScaleSubresource(LabelSelectorPath: ".status.selector")));
        while (await input.ReadLineAsync() is { } line)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var answer = words.FirstOrDefault() switch
            {
                "url" => server.Url,
                "converged" => Converged(server, words[1], int.Parse(words[2], CultureInfo.InvariantCulture)) ? "true" : "false",
                "requests" => JsonSerializer.Serialize(new RequestCounts(
                    server.Requests.Total,
                    server.Requests.Writes,
                    server.Requests.Count(ApiVerb.Create, SlmDeploymentResource.Plural),
                    server.Requests.Snapshot().OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value))),
                "reset" => Reset(server),
                "rss" => PeakMemory.Megabytes().ToString(CultureInfo.InvariantCulture),
                "quit" => null,
                _ => "error: unknown command " + line,
            };
            if (answer is null)
            {
                return;
            }

            await output.WriteLineAsync(answer);
            await output.FlushAsync();
        }
    }

    private static string Reset(KubeApiTestServer server)
    {
        server.Requests.Reset();
        return "ok";
    }

    private static bool Converged(KubeApiTestServer server, string ns, int objects)
    {
        var resources = server.List<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Plural, ns);
        return resources.Count == objects
            && resources.All(r => r.Status?.ObservedGeneration == r.Metadata.Generation)
            && server.List<V1Deployment>("apps", "deployments", ns).Count == objects
            && server.List<V1Service>("", "services", ns).Count == objects
            && server.List<V1PodDisruptionBudget>("policy", "poddisruptionbudgets", ns).Count == objects;
    }
}
