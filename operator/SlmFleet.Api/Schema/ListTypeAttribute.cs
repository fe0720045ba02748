namespace SlmFleet.Api.Schema;

/// <summary>
/// Emits <c>x-kubernetes-list-type</c> (and <c>x-kubernetes-list-map-keys</c> for <c>map</c>) so
/// server-side apply merges lists such as conditions by key instead of replacing them.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListTypeAttribute(string listType, params string[] mapKeys) : Attribute
{
    /// <summary><c>atomic</c>, <c>set</c> or <c>map</c>.</summary>
    public string ListType { get; } = listType;

    /// <summary>Keys that identify an item when <see cref="ListType"/> is <c>map</c>.</summary>
    public IReadOnlyList<string> MapKeys { get; } = mapKeys;
}
