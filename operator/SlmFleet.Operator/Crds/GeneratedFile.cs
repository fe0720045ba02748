namespace SlmFleet.Operator.Crds;

/// <summary>One file the generator writes: its name inside the output folder and its full text.</summary>
internal sealed record GeneratedFile(string FileName, string Content);
