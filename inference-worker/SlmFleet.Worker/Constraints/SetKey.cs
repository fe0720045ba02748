namespace SlmFleet.Worker.Constraints;

/// <summary>A configuration set as a dictionary key: sorted configurations, compared by value.</summary>
internal readonly struct SetKey : IEquatable<SetKey>
{
    private readonly int _hash;

    public SetKey(Config[] sorted)
    {
        Configs = sorted;
        var hash = new HashCode();
        foreach (var config in sorted)
        {
            hash.Add(config);
        }

        _hash = hash.ToHashCode();
    }

    public Config[] Configs { get; }

    public bool Equals(SetKey other) => Configs.AsSpan().SequenceEqual(other.Configs);

    public override bool Equals(object? obj) => obj is SetKey other && Equals(other);

    public override int GetHashCode() => _hash;
}
