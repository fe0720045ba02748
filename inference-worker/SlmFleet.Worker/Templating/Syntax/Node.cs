namespace SlmFleet.Worker.Templating.Syntax;

/// <summary>A parsed piece of a template; the location is where its first token was.</summary>
internal abstract class Node(int line, int column)
{
    public int Line { get; } = line;

    public int Column { get; } = column;
}
