using System.Reflection;
using System.Text.Json.Nodes;
using k8s.Models;
using SlmFleet.Api.Schema;

namespace SlmFleet.Operator.Crds;

/// <summary>
/// Builds one <c>apiextensions.k8s.io/v1</c> CustomResourceDefinition from a resource type: names from
/// <see cref="KubernetesEntityAttribute"/> and <see cref="CustomResourceAttribute"/>, the schema from
/// <see cref="SchemaBuilder"/>, the status subresource always, scale where
/// <see cref="ScaleSubresourceAttribute"/> asks for it, and printer columns in declaration order.
/// </summary>
internal static class CrdBuilder
{
    public static JsonObject Build(Type resourceType, SchemaBuilder schemas)
    {
        var entity = resourceType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{resourceType.Name} lacks [KubernetesEntity]");
        var resource = resourceType.GetCustomAttribute<CustomResourceAttribute>()
            ?? throw new InvalidOperationException($"{resourceType.Name} lacks [CustomResource]");

        var names = new JsonObject
        {
            ["kind"] = entity.Kind,
            ["listKind"] = entity.Kind + "List",
            ["plural"] = entity.PluralName,
            ["singular"] = resource.Singular,
        };
        if (resource.ShortNames.Length > 0)
        {
            names["shortNames"] = new JsonArray([.. resource.ShortNames.Select(n => (JsonNode)n)]);
        }

        if (resource.Categories.Length > 0)
        {
            names["categories"] = new JsonArray([.. resource.Categories.Select(n => (JsonNode)n)]);
        }

        var version = new JsonObject
        {
            ["name"] = entity.ApiVersion,
            ["served"] = true,
            ["storage"] = true,
        };
        var columns = PrinterColumns(resourceType);
        if (columns.Count > 0)
        {
            version["additionalPrinterColumns"] = columns;
        }

        version["schema"] = new JsonObject { ["openAPIV3Schema"] = schemas.ForResource(resourceType) };
        version["subresources"] = Subresources(resourceType);

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{entity.PluralName}.{entity.Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = entity.Group,
                ["names"] = names,
                ["scope"] = resource.Scope,
                ["versions"] = new JsonArray(version),
            },
        };
    }

    private static JsonArray PrinterColumns(Type resourceType)
    {
        var columns = new JsonArray();
        foreach (var column in resourceType.GetCustomAttributes<PrinterColumnAttribute>())
        {
            var entry = new JsonObject
            {
                ["name"] = column.Name,
                ["type"] = column.Type,
                ["jsonPath"] = column.JsonPath,
            };
            if (column.Description is not null)
            {
                entry["description"] = column.Description;
            }

            if (column.Priority != 0)
            {
                entry["priority"] = column.Priority;
            }

            columns.Add(entry);
        }

        return columns;
    }

    private static JsonObject Subresources(Type resourceType)
    {
        var subresources = new JsonObject { ["status"] = new JsonObject() };
        if (resourceType.GetCustomAttribute<ScaleSubresourceAttribute>() is { } scale)
        {
            var scaleNode = new JsonObject
            {
                ["specReplicasPath"] = scale.SpecReplicasPath,
                ["statusReplicasPath"] = scale.StatusReplicasPath,
            };
            if (scale.LabelSelectorPath is not null)
            {
                scaleNode["labelSelectorPath"] = scale.LabelSelectorPath;
            }

            subresources["scale"] = scaleNode;
        }

        return subresources;
    }
}
