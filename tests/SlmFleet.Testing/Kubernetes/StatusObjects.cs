using System.Text.Json.Nodes;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>Builds <c>v1 Status</c> bodies as the real API server writes them.</summary>
internal static class StatusObjects
{
    public static JsonObject Failure(int code, string reason, string message, string? name, ResourceType? type)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (name is not null || type is not null)
        {
            status["details"] = Details(name, type);
        }

        return status;
    }

    public static JsonObject Success(string name, ResourceType type, string uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject
        {
            ["name"] = name,
            ["group"] = type.Group,
            ["kind"] = type.Plural,
            ["uid"] = uid,
        },
    };

    private static JsonObject Details(string? name, ResourceType? type)
    {
        var details = new JsonObject();
        if (name is not null)
        {
            details["name"] = name;
        }

        if (type is not null)
        {
            details["group"] = type.Group;
            details["kind"] = type.Plural;
        }

        return details;
    }
}
