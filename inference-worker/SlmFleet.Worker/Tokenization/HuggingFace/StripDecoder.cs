namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Removes up to <c>start</c> leading and <c>stop</c> trailing copies of a character from every token (Llama 2's dummy-prefix space).</summary>
internal sealed class StripDecoder(char content, int start, int stop) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens) => tokens.ConvertAll(Strip);

    private string Strip(string token)
    {
        var from = 0;
        while (from < start && from < token.Length && token[from] == content)
        {
            from++;
        }

        var to = token.Length;
        for (var removed = 0; removed < stop && to > from && token[to - 1] == content; removed++)
        {
            to--;
        }

        return token[from..to];
    }
}
