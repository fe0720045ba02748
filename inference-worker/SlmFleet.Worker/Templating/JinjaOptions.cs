namespace SlmFleet.Worker.Templating;

/// <summary>
/// How templates are lexed and how much one render may cost. The defaults are Hugging Face
/// transformers' chat-template environment (trim_blocks and lstrip_blocks on, a single trailing
/// newline dropped) plus bounds that keep a hostile template from hanging or exhausting the worker.
/// </summary>
internal sealed record JinjaOptions
{
    public static JinjaOptions ChatTemplate { get; } = new();

    /// <summary>Removes the first newline after a block or comment tag.</summary>
    public bool TrimBlocks { get; init; } = true;

    /// <summary>Removes spaces and tabs from the start of a line up to a block or comment tag.</summary>
    public bool LstripBlocks { get; init; } = true;

    /// <summary>Most characters a render may produce (also bounds any one string or list it builds).</summary>
    public int MaxOutputChars { get; init; } = 8 * 1024 * 1024;

    /// <summary>Most statements, loop iterations and calls one render may execute.</summary>
    public int MaxSteps { get; init; } = 2_000_000;

    /// <summary>Deepest macro recursion one render may reach.</summary>
    public int MaxCallDepth { get; init; } = 64;

    /// <summary>Deepest nesting of blocks and expressions the parser accepts (bounds its recursion).</summary>
    public int MaxNesting { get; init; } = 128;
}
