namespace SlmFleet.Worker.Constraints;

/// <summary>What a request constrains its output to; the compile cache's key.</summary>
/// <param name="Kind">"json_schema", "json_object", "choice" or "regex".</param>
/// <param name="Text">The schema or regex text; for a choice the options joined by NUL.</param>
internal sealed record ConstraintSpec(string Kind, string Text);
