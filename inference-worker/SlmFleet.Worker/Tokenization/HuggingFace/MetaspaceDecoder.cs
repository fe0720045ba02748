namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// "▁" back to " ", and the space the pre-tokenizer prepended is dropped from the first token
/// (transformers.js's MetaspaceDecoder: only one leading space of the first token).
/// </summary>
internal sealed class MetaspaceDecoder(char replacement, bool removesPrependedSpace) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var text = tokens[i].Replace(replacement, ' ');
            if (i == 0 && removesPrependedSpace && text.StartsWith(' '))
            {
                text = text[1..];
            }

            result.Add(text);
        }

        return result;
    }
}
