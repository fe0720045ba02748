namespace SlmFleet.Worker.Constraints;

/// <summary>Emits a parsed regular expression into a <see cref="GrammarBuilder"/> as a byte automaton over UTF-8.</summary>
internal static class RegexEmitter
{
    /// <param name="builder">Where the states go.</param>
    /// <param name="node">The parsed expression.</param>
    /// <param name="allowed">Characters that may be written at all (inside a JSON string: no quote, backslash or control character), or null for any.</param>
    public static Fragment Emit(GrammarBuilder builder, RegexNode node, CharSet? allowed)
    {
        switch (node.Kind)
        {
            case RegexNodeKind.Chars:
                var fragment = builder.NewFragment();
                Utf8Ranges.Emit(builder, allowed is null ? node.Chars! : node.Chars!.Intersect(allowed), fragment.Start, fragment.End);
                return fragment;
            case RegexNodeKind.Concat:
                return builder.Sequence([.. node.Children!.Select(child => Emit(builder, child, allowed))]);
            case RegexNodeKind.Alternate:
                return builder.Choice([.. node.Children!.Select(child => Emit(builder, child, allowed))]);
            default:
                return Repeat(builder, node, allowed);
        }
    }

    private static Fragment Repeat(GrammarBuilder builder, RegexNode node, CharSet? allowed)
    {
        var child = node.Children![0];
        var parts = new List<Fragment>();
        for (var i = 0; i < node.Min; i++)
        {
            parts.Add(Emit(builder, child, allowed));
        }

        if (node.Max < 0)
        {
            parts.Add(builder.Star(Emit(builder, child, allowed)));
        }
        else if (node.Max > node.Min)
        {
            // x{0,3} as (x(x(x)?)?)?: nested optionals keep the automaton linear in the bound.
            var end = builder.NewState();
            var start = builder.NewState();
            var current = start;
            for (var i = node.Min; i < node.Max; i++)
            {
                builder.Empty(current, end);
                var copy = Emit(builder, child, allowed);
                builder.Empty(current, copy.Start);
                current = copy.End;
            }

            builder.Empty(current, end);
            parts.Add(new Fragment(start, end));
        }

        return builder.Sequence([.. parts]);
    }
}
