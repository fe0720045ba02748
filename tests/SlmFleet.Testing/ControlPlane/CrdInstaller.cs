using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SlmFleet.Testing.ControlPlane;

/// <summary>Installs the generated CustomResourceDefinitions (crds/*.yaml) into a real API server, for tests and the operator benchmark.</summary>
public static class CrdInstaller
{
    /// <summary>Creates (or keeps) every CustomResourceDefinition in <paramref name="folder"/> and waits until each is established.</summary>
    public static async Task InstallAsync(IKubernetes client, string folder)
    {
        ArgumentNullException.ThrowIfNull(client);
        foreach (var file in Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file).ConfigureAwait(false));
            try
            {
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Installed by an earlier test of this process.
            }

            await Poll.UntilAsync(
                async () => (await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name).ConfigureAwait(false))
                    .Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true,
                $"CRD {crd.Metadata.Name} established",
                TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
    }
}
