namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Runs pre-tokenizers in order, each on every piece the previous one produced.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> stages) : IPreTokenizer
{
    public void Split(string piece, bool atTextStart, List<string> output)
    {
        List<string> current = [piece];
        foreach (var stage in stages)
        {
            var next = new List<string>(current.Count + 4);
            for (var i = 0; i < current.Count; i++)
            {
                stage.Split(current[i], atTextStart && i == 0, next);
            }

            current = next;
        }

        output.AddRange(current);
    }
}
