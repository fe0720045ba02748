namespace SlmFleet.Worker.Constraints;

/// <summary>A parsed regular expression: a character class, a sequence, alternatives, or a bounded / unbounded (<see cref="Max"/> -1) repetition.</summary>
internal sealed record RegexNode(RegexNodeKind Kind, CharSet? Chars = null, IReadOnlyList<RegexNode>? Children = null, int Min = 0, int Max = -1)
{
    public static RegexNode Of(CharSet chars) => new(RegexNodeKind.Chars, chars);

    public static RegexNode Sequence(params IReadOnlyList<RegexNode> children) => new(RegexNodeKind.Concat, Children: children);

    public static RegexNode AnyOf(IReadOnlyList<RegexNode> children) => new(RegexNodeKind.Alternate, Children: children);

    public static RegexNode Repeat(RegexNode child, int min, int max) => new(RegexNodeKind.Repeat, Children: [child], Min: min, Max: max);
}
