using System.Text.Json.Nodes;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// An API error the test server answers with a <c>Status</c> object, the way the real API server
/// does (code, reason, message, details).
/// </summary>
internal sealed class KubeApiException : Exception
{
    public KubeApiException(int code, string reason, string message, string? name = null, ResourceType? type = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Name = name;
        Type = type;
    }

    public int Code { get; }

    public string Reason { get; }

    public string? Name { get; }

    public ResourceType? Type { get; }

    public static KubeApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedName} \"{name}\" not found", name, type);

    public static KubeApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedName} \"{name}\" already exists", name, type);

    public static KubeApiException Conflict(ResourceType type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            name, type);

    public static KubeApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static KubeApiException Invalid(ResourceType type, string name, string message) =>
        new(422, "Invalid", $"{type.Kind} \"{name}\" is invalid: {message}", name, type);

    public static KubeApiException Gone(string message) => new(410, "Expired", message);

    /// <summary>The <c>v1 Status</c> body the real API server sends for this error.</summary>
    public JsonObject ToStatus() => StatusObjects.Failure(Code, Reason, Message, Name, Type);
}
