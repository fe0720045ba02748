using Json.Schema;

namespace SlmFleet.Router.Schema;

/// <summary>Turns JsonSchema.Net's hierarchical output into one line a person can act on: where, which keyword, what.</summary>
internal static class SchemaErrors
{
    public static string First(EvaluationResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (FirstFailure(results) is { Errors: { Count: > 0 } errors } node)
        {
            var (keyword, message) = errors.First();
            // A false subschema ("additionalProperties": false, "items": false) reports under an empty keyword.
            return $"{Where(node)}: {message} ({(keyword.Length == 0 ? "false schema" : keyword)})";
        }

        // "not" leaves no message: its subschema's node is the one that passed.
        var negated = Nodes(results).FirstOrDefault(n => n.IsValid && n.EvaluationPath.ToString().EndsWith("/not", StringComparison.Ordinal));
        return negated is not null
            ? $"{Where(negated)}: the value must not match the subschema at {negated.EvaluationPath} (not)"
            : $"{Where(results)}: the value does not match the schema";
    }

    /// <summary>
    /// Follows failing nodes only (hierarchical output): a branch of an <c>anyOf</c> that passed leaves
    /// errors in its failing siblings, which are not why the whole failed; nor is a failing <c>if</c>.
    /// </summary>
    private static EvaluationResults? FirstFailure(EvaluationResults node)
    {
        if (node.Errors is { Count: > 0 })
        {
            return node;
        }

        if (node.HasDetails)
        {
            foreach (var detail in node.Details)
            {
                // A failing "if" only selects "else"; it is no violation.
                if (!detail.IsValid && !detail.EvaluationPath.ToString().EndsWith("/if", StringComparison.Ordinal) && FirstFailure(detail) is { } failure)
                {
                    return failure;
                }
            }
        }

        return null;
    }

    private static string Where(EvaluationResults node)
    {
        var location = node.InstanceLocation.ToString();
        return location.Length == 0 ? "<root>" : location;
    }

    private static IEnumerable<EvaluationResults> Nodes(EvaluationResults results)
    {
        yield return results;
        if (!results.HasDetails)
        {
            yield break;
        }

        foreach (var detail in results.Details)
        {
            foreach (var node in Nodes(detail))
            {
                yield return node;
            }
        }
    }
}
