namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>What a Split pre-tokenizer does with each delimiter (Hugging Face's SplitDelimiterBehavior).</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}
