namespace SlmFleet.Worker.Constraints;

internal enum RegexNodeKind
{
    Chars,
    Concat,
    Alternate,
    Repeat,
}
