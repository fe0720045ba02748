namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>A C# file: its path relative to the repository root, and its text.</summary>
internal sealed record SourceFile(string Path, string Text);
