using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>Reads request bodies and query values the way the API server interprets them.</summary>
internal static class RequestBodies
{
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request)
    {
        var node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
        return node as JsonObject ?? throw KubeApiException.BadRequest("request body must be a JSON object");
    }

    public static async Task<Func<JsonObject, JsonObject>> ReadPatchAsync(HttpRequest request)
    {
        var mediaType = (request.ContentType ?? "").Split(';')[0].Trim();
        if (mediaType == PatchApplier.ApplyPatch)
        {
            throw new KubeApiException(415, "UnsupportedMediaType", "server-side apply (application/apply-patch+yaml) is not supported by the test server; use a merge or JSON patch");
        }

        var node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
        return mediaType switch
        {
            PatchApplier.MergePatch or PatchApplier.StrategicMergePatch when node is JsonObject patch =>
                target => PatchApplier.ApplyMerge(target, patch) as JsonObject ?? throw KubeApiException.BadRequest("merge patch must produce an object"),
            PatchApplier.JsonPatch when node is JsonArray operations =>
                target => PatchApplier.ApplyJsonPatch(target, operations) as JsonObject ?? throw KubeApiException.BadRequest("json patch must produce an object"),
            PatchApplier.MergePatch or PatchApplier.StrategicMergePatch or PatchApplier.JsonPatch =>
                throw KubeApiException.BadRequest($"patch body does not fit content type '{mediaType}': merge patches are objects, JSON patches are arrays"),
            _ => throw new KubeApiException(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: {PatchApplier.JsonPatch}, {PatchApplier.MergePatch}, {PatchApplier.StrategicMergePatch}; got '{mediaType}'"),
        };
    }

    public static async Task<bool> IsOrphanAsync(HttpRequest request)
    {
        if (request.Query["propagationPolicy"] == "Orphan")
        {
            return true;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var options = JsonNode.Parse(text) as JsonObject;
        return options?["propagationPolicy"]?.GetValue<string>() == "Orphan" || options?["orphanDependents"]?.GetValue<bool>() == true;
    }

    public static long? ParseVersion(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : throw KubeApiException.BadRequest($"resourceVersion \"{value}\" is not a number; accepted: the resourceVersion of a list or an object");
    }
}
