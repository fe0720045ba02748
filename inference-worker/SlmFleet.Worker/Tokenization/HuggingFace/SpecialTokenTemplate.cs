namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// What <c>add_special_tokens</c> puts around a single sequence: the post-processor's template
/// (TemplateProcessing "single", Bert/Roberta cls + sep), or BOS/EOS as tokenizer_config.json's
/// <c>add_bos_token</c> / <c>add_eos_token</c> say.
/// </summary>
internal sealed record SpecialTokenTemplate(IReadOnlyList<int> Prefix, IReadOnlyList<int> Suffix)
{
    public static SpecialTokenTemplate None { get; } = new([], []);

    /// <summary>The template of a processor applied after this one (HF's Sequence): it wraps this one.</summary>
    public SpecialTokenTemplate WrappedBy(SpecialTokenTemplate outer) => new([.. outer.Prefix, .. Prefix], [.. Suffix, .. outer.Suffix]);
}
