using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Service;

/// <summary>
/// Splits prompt + label into the tokens all labels share and each label's own, the way the model
/// would see the label written after the prompt: "Sentiment:" + "positive" may tokenize as
/// ["Sentiment", ":", "positive"] or merge across the seam, and encoding the label alone would
/// score tokens the model never produces there. The shared part is the longest common prefix of
/// every label's joint encoding, keeping at least one token per label; it is prefilled once.
/// addSpecialTokens is false for a chat-templated prompt (the template writes BOS)
/// and true for a raw one; labels scored alone never get special tokens.
/// </summary>
internal static class LabelTokenization
{
    public static (IReadOnlyList<int> Prompt, IReadOnlyList<IReadOnlyList<int>> Labels) Split(TextTokenizer tokenizer, string prompt, IReadOnlyList<string> labels, bool addSpecialTokens)
    {
        var joint = labels.Select(label => tokenizer.Encode(prompt + label, addSpecialTokens)).ToList();
        var shared = joint.Min(ids => ids.Count - 1);
        for (var i = 1; i < joint.Count; i++)
        {
            var common = 0;
            while (common < shared && joint[i][common] == joint[0][common])
            {
                common++;
            }

            shared = common;
        }

        if (shared <= 0)
        {
            // Nothing in common (the seam merged into the first token): score each label alone after the prompt.
            return (tokenizer.Encode(prompt, addSpecialTokens), [.. labels.Select(l => tokenizer.Encode(l, addSpecialTokens: false))]);
        }

        return (joint[0].Take(shared).ToList(), [.. joint.Select(ids => (IReadOnlyList<int>)ids.Skip(shared).ToList())]);
    }
}
