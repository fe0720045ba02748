namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>
/// <c>x.name</c>, <c>x[key]</c> and <c>x[a:b:c]</c> as Jinja resolves them: attribute access tries the
/// value's methods before its items, subscription the other way round; whatever is missing is
/// undefined, but looking into an undefined value fails.
/// </summary>
internal static class JinjaAccess
{
    public static object? Attribute(object? target, string name)
    {
        switch (target)
        {
            case JinjaUndefined undefined:
                throw undefined.Fail();
            case LoopState loop:
                return loop.Get(name);
            case JinjaNamespace ns:
                return ns.Attributes.TryGetValue(name, out var attribute) ? attribute : Missing(target, name);
        }

        if (JinjaMethods.Bind(target, name) is { } method)
        {
            return method;
        }

        return target is OrderedDictionary<string, object?> dict && dict.TryGetValue(name, out var value) ? value : Missing(target, name);
    }

    public static object? Item(object? target, object? key)
    {
        switch (target)
        {
            case JinjaUndefined undefined:
                throw undefined.Fail();
            case OrderedDictionary<string, object?> dict when key is string name:
                return dict.TryGetValue(name, out var value) ? value : Attribute(target, name);
            case List<object?> list when key is long or bool:
                return Index(list.Count, key) is { } i ? list[i] : new JinjaUndefined($"list index {JinjaValues.Repr(key)} out of range");
            case string text when key is long or bool:
                var codePoints = PythonText.CodePoints(text);
                return Index(codePoints.Count, key) is { } j ? codePoints[j] : new JinjaUndefined($"string index {JinjaValues.Repr(key)} out of range");
            case LoopState or JinjaNamespace when key is string attribute:
                return Attribute(target, attribute);
            default:
                return key is string method && JinjaMethods.Bind(target, method) is { } bound
                    ? bound
                    : new JinjaUndefined($"'{JinjaValues.TypeName(target)} object' has no item {JinjaValues.Repr(key)}");
        }
    }

    /// <summary>Python slicing with negative indices and steps (<c>messages[1:]</c>, <c>messages[::-1]</c>).</summary>
    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        if (target is JinjaUndefined undefined)
        {
            throw undefined.Fail();
        }

        var stepValue = SliceBound(step, "step") ?? 1;
        if (stepValue == 0)
        {
            throw new JinjaException("slice step cannot be zero");
        }

        IReadOnlyList<object?> items = target switch
        {
            List<object?> list => list,
            string text => PythonText.CodePoints(text),
            _ => throw new JinjaException($"'{JinjaValues.TypeName(target)}' object is not subscriptable"),
        };
        var count = items.Count;
        long Clamp(long? bound, long whenMissing)
        {
            if (bound is not { } b)
            {
                return whenMissing;
            }

            if (b < 0)
            {
                b += count;
            }

            return stepValue > 0 ? Math.Clamp(b, 0, count) : Math.Clamp(b, -1, count - 1);
        }

        var from = Clamp(SliceBound(start, "start"), stepValue > 0 ? 0 : count - 1);
        var to = Clamp(SliceBound(stop, "stop"), stepValue > 0 ? count : -1);
        var result = new List<object?>();
        for (var i = from; stepValue > 0 ? i < to : i > to; i += stepValue)
        {
            result.Add(items[(int)i]);
        }

        return target is string ? string.Concat(result.Cast<string>()) : (object)result;
    }

    private static long? SliceBound(object? value, string what) => value switch
    {
        null or JinjaUndefined => null,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new JinjaException($"slice {what} must be an integer or None, not '{JinjaValues.TypeName(value)}'"),
    };

    private static int? Index(int count, object? key)
    {
        var index = key is bool b ? (b ? 1 : 0) : (long)key!;
        if (index < 0)
        {
            index += count;
        }

        return index >= 0 && index < count ? (int)index : null;
    }

    private static JinjaUndefined Missing(object? target, string name)
        => new($"'{(target is null ? "None" : JinjaValues.TypeName(target) + " object")}' has no attribute '{name}'");
}
