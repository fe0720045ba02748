namespace SlmFleet.Worker.Constraints;

/// <summary>One way the parse may stand: a grammar state and the stack of return states beneath it (a node of <see cref="Stepper"/>).</summary>
internal readonly record struct Config(int State, int Stack);
