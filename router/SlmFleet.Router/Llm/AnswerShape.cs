namespace SlmFleet.Router.Llm;

/// <summary>What the router needs from one OpenAI answer object or stream chunk, found in one pass.</summary>
/// <param name="ModelStart">Offset of the top-level <c>model</c> string token (its opening quote); -1 when there is none.</param>
/// <param name="ModelLength">Length of that token, quotes included.</param>
/// <param name="EmptyChoices"><c>choices</c> is <c>[]</c>: with a usage object, the usage chunk a stream ends with.</param>
/// <param name="HasUsage">A top-level <c>usage</c> object (not <c>null</c>) was read.</param>
/// <param name="PromptTokens"><c>usage.prompt_tokens</c> (0 without usage).</param>
/// <param name="CompletionTokens"><c>usage.completion_tokens</c> (0 without usage).</param>
internal readonly record struct AnswerShape(int ModelStart, int ModelLength, bool EmptyChoices, bool HasUsage, int PromptTokens, int CompletionTokens)
{
    public bool IsUsageChunk => EmptyChoices && HasUsage;
}
