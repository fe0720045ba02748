namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>The <c>loop</c> variable of a for-loop.</summary>
internal sealed class LoopState(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public int Length => items.Count;

    public object? Get(string name) => name switch
    {
        "index" => (long)Index0 + 1,
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new JinjaUndefined("there is no previous item"),
        "nextitem" => Index0 + 1 < Length ? items[Index0 + 1] : new JinjaUndefined("there is no next item"),
        "cycle" => new JinjaFunction("loop.cycle", (args, _) => args.Positional.Count == 0
            ? throw new JinjaException("loop.cycle() needs at least one item")
            : args.Positional[Index0 % args.Positional.Count]),
        _ => new JinjaUndefined($"'LoopContext' object has no attribute '{name}'"),
    };
}
