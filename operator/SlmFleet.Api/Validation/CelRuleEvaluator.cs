using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;

namespace SlmFleet.Api.Validation;

/// <summary>
/// Walks a typed API object and evaluates the C# twin of every <see cref="CelRuleAttribute"/> on the
/// way, like the API server does with <c>x-kubernetes-validations</c>: a rule on a class runs when
/// that object is present, a rule on a property runs when that property is set.
/// </summary>
internal static class CelRuleEvaluator
{
    private static readonly Assembly ApiAssembly = typeof(CelRuleAttribute).Assembly;

    public static void Evaluate(object? value, string path, List<FieldError> errors)
    {
        if (value is null || value.GetType().Assembly != ApiAssembly)
        {
            return;
        }

        foreach (var rule in value.GetType().GetCustomAttributes<CelRuleAttribute>())
        {
            Apply(rule, value, path, errors);
        }

        foreach (var property in JsonProperties(value.GetType()))
        {
            var child = property.GetValue(value);
            if (child is null)
            {
                continue;
            }

            var childPath = $"{path}.{JsonName(property)}";
            foreach (var rule in property.GetCustomAttributes<CelRuleAttribute>())
            {
                Apply(rule, child, childPath, errors);
            }

            if (child is IList list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    Evaluate(list[i], $"{childPath}[{i}]", errors);
                }
            }
            else
            {
                Evaluate(child, childPath, errors);
            }
        }
    }

    internal static IEnumerable<PropertyInfo> JsonProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null && p.GetIndexParameters().Length == 0);

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name;

    private static void Apply(CelRuleAttribute rule, object self, string path, List<FieldError> errors)
    {
        if (!CrossFieldRules.Predicates.TryGetValue(rule.Rule, out var predicate))
        {
            throw new InvalidOperationException($"CEL rule \"{rule.Rule}\" on {self.GetType().Name} has no C# predicate in {nameof(CrossFieldRules)}");
        }

        if (predicate(self))
        {
            return;
        }

        var (fieldPath, fieldValue) = Resolve(self, path, rule.FieldPath);
        var shown = fieldValue is null || fieldValue.GetType().Assembly == ApiAssembly || fieldValue is IList
            ? "\"object\""
            : JsonSerializer.Serialize(fieldValue);
        errors.Add(new FieldError(FieldErrorType.Invalid, fieldPath, shown, rule.Message));
    }

    private static (string Path, object? Value) Resolve(object self, string path, string? fieldPath)
    {
        if (string.IsNullOrEmpty(fieldPath))
        {
            return (path, self);
        }

        object? current = self;
        foreach (var name in fieldPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var property = current is null ? null : JsonProperties(current.GetType()).FirstOrDefault(p => JsonName(p) == name);
            current = property?.GetValue(current);
        }

        return (path + fieldPath, current);
    }
}
