namespace SlmFleet.Router.OpenAi;

/// <summary>How a classification answer is written back: the bare label, a JSON string, or a JSON object with one property.</summary>
internal enum ClassificationShape
{
    None,
    Plain,
    JsonString,
    JsonObjectProperty,
}
