namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>When Metaspace prepends its replacement character.</summary>
internal enum PrependScheme
{
    Always,
    First,
    Never,
}
