namespace SlmFleet.Worker.Tokenization;

/// <summary>Control tokens written into generated tokenizers: those the supported chat templates use.</summary>
internal static class SpecialTokens
{
    public const string EndOfText = "<|endoftext|>";

    public static IReadOnlyList<string> All { get; } =
    [
        EndOfText,
        "<|im_start|>", "<|im_end|>",
        "<|system|>", "<|user|>", "<|assistant|>", "<|end|>",
        "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
    ];

    /// <summary>Tokens that end a turn in one of the templates; generation stops on any of them.</summary>
    public static IReadOnlyList<string> EndOfTurn { get; } = [EndOfText, "<|im_end|>", "<|end|>", "<|eot_id|>"];
}
