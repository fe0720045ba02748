namespace SlmFleet.Api.Schema;

/// <summary>
/// Emits <c>x-kubernetes-preserve-unknown-fields: true</c> for a free-form field. Use only where the
/// content is genuinely open (nothing in the current API needs it; kept for forward compatibility).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PreserveUnknownFieldsAttribute : Attribute;
