namespace SlmFleet.Worker.Constraints;

/// <summary>A piece of automaton with one entry and one exit state (Thompson's construction).</summary>
internal readonly record struct Fragment(int Start, int End);
