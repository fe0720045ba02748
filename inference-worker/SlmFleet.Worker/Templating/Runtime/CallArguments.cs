namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>Evaluated positional and keyword arguments of one call, filter or test, with Python-style binding helpers.</summary>
internal sealed class CallArguments(string callee, IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> keywords)
{
    private static readonly Dictionary<string, object?> NoKeywords = new(StringComparer.Ordinal);

    public static CallArguments None(string callee) => new(callee, [], NoKeywords);

    public string Callee { get; } = callee;

    public IReadOnlyList<object?> Positional { get; } = positional;

    public IReadOnlyDictionary<string, object?> Keywords { get; } = keywords;

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>; <paramref name="fallback"/> when absent.</summary>
    public object? Get(int index, string name, object? fallback = null)
    {
        if (index < Positional.Count)
        {
            return Positional[index];
        }

        return Keywords.TryGetValue(name, out var value) ? value : fallback;
    }

    public bool Has(int index, string name) => index < Positional.Count || Keywords.ContainsKey(name);

    public object? Required(int index, string name)
        => Has(index, name) ? Get(index, name) : throw new JinjaException($"{Callee}() missing required argument '{name}'");

    /// <summary>Rejects more positional arguments than <paramref name="max"/> (a typo would otherwise pass silently).</summary>
    public CallArguments AtMost(int max)
        => Positional.Count > max ? throw new JinjaException($"{Callee}() takes at most {max} positional arguments ({Positional.Count} given)") : this;

    public CallArguments Skip(int count) => new(Callee, Positional.Skip(count).ToList(), Keywords);
}
