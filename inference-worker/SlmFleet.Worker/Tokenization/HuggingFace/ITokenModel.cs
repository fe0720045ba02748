namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>A tokenizer.json <c>model</c>: turns one pre-tokenized piece into ids, and an id back into its token.</summary>
internal interface ITokenModel
{
    /// <summary>One past the largest id of the vocabulary.</summary>
    int IdLimit { get; }

    void Encode(string piece, List<int> ids);

    string? TokenOf(int id);

    int? IdOf(string token);
}
