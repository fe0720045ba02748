using System.Text.Json;
using SlmFleet.Api.Yaml;

namespace SlmFleet.Router.Policies;

/// <summary>Reads and checks a <see cref="LocalRouterConfig"/> file (YAML or JSON).</summary>
internal static class LocalConfigLoader
{
    private static readonly JsonSerializerOptions Options = new() { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    /// <exception cref="InvalidDataException">The file does not parse or a policy is invalid; the message lists every problem.</exception>
    public static LocalRouterConfig Load(string path)
    {
        var text = File.ReadAllText(path);
        return Parse(text, path);
    }

    public static LocalRouterConfig Parse(string text, string source)
    {
        LocalRouterConfig? config;
        try
        {
            // Read as the API server would read the same manifest (YAML 1.1 scalars, duplicate keys rejected).
            var documents = YamlReader.ReadAll(text);
            var node = documents.Count == 0 ? null : documents[0];
            config = node is null ? new LocalRouterConfig() : node.Deserialize<LocalRouterConfig>(Options);
        }
        catch (Exception ex) when (ex is JsonException or YamlDotNet.Core.YamlException or InvalidCastException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: {ex.Message}", ex);
        }

        config ??= new LocalRouterConfig();
        var errors = PolicyValidator.Validate(config.Policies).ToList();
        for (var i = 0; i < config.Deployments.Count; i++)
        {
            var deployment = config.Deployments[i];
            if (string.IsNullOrWhiteSpace(deployment.Name))
            {
                errors.Add($"deployments[{i}].name: is empty; name the SlmDeployment");
            }

            foreach (var endpoint in deployment.Endpoints)
            {
                if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    errors.Add($"deployments[{i}].endpoints: '{endpoint}' is not an absolute http(s) URL such as http://127.0.0.1:50051");
                }
            }
        }

        return errors.Count == 0
            ? config
            : throw new InvalidDataException($"{source}: {string.Join("; ", errors)}");
    }
}
