namespace SlmFleet.Worker.Constraints;

/// <summary>
/// A set of <see cref="Config"/>s in a reusable array: the parse is nondeterministic (anyOf, optional
/// properties, regular expressions), so it stands in several configurations at once. Sets are small;
/// membership is a linear scan.
/// </summary>
internal sealed class ConfigBuffer
{
    private Config[] _items = new Config[16];

    public int Count { get; private set; }

    /// <summary>Some configuration ended the outermost rule: the constraint is complete here.</summary>
    public bool BottomFinal { get; set; }

    /// <summary>
    /// Some configuration ended a rule with nothing known beneath it: only when masks are
    /// precomputed from a state inside a rule, whose caller is unknown (see <see cref="MaskPrecomputer"/>).
    /// </summary>
    public bool BottomPop { get; set; }

    public ReadOnlySpan<Config> Items => _items.AsSpan(0, Count);

    public Config this[int index] => _items[index];

    public void Clear()
    {
        Count = 0;
        BottomFinal = false;
        BottomPop = false;
    }

    public bool Add(Config config)
    {
        for (var i = 0; i < Count; i++)
        {
            if (_items[i] == config)
            {
                return false;
            }
        }

        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = config;
        return true;
    }

    public void CopyFrom(ConfigBuffer other)
    {
        Clear();
        foreach (var config in other.Items)
        {
            Add(config);
        }

        BottomFinal = other.BottomFinal;
        BottomPop = other.BottomPop;
    }
}
