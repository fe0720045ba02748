namespace SlmFleet.Api.Schema;

/// <summary>
/// A cross-field rule, emitted as an <c>x-kubernetes-validations</c> entry on the schema of the class
/// (or property) it decorates, so a real API server enforces it. The same rule is evaluated in C# by
/// <see cref="Validation.CelRuleEvaluator"/>, which looks the predicate up by <see cref="Rule"/> in
/// <see cref="Validation.CrossFieldRules"/>: every rule text must have a predicate there.
/// </summary>
/// <param name="rule">The CEL expression, with <c>self</c> bound to the decorated object or property.</param>
/// <param name="message">What is wrong, shown to the user when the rule fails.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    /// <summary>The CEL expression.</summary>
    public string Rule { get; } = rule;

    /// <summary>The message shown when the rule fails.</summary>
    public string Message { get; } = message;

    /// <summary>Field the error is reported on, relative to <c>self</c> (e.g. <c>.maxReplicas</c>); the object itself when null.</summary>
    public string? FieldPath { get; init; }
}
