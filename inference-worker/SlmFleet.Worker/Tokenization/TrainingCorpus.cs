namespace SlmFleet.Worker.Tokenization;

/// <summary>English text the generated tokenizer learns its merges from (written for this project).</summary>
internal static class TrainingCorpus
{
    public const string Text = """
        The small model answers most questions that reach the fleet. When a request is hard, the router
        sends it to the large model instead, and the team pays for the large model only when it matters.
        A worker loads the model, runs a few warm-up prompts, and then reports that it is ready to serve.
        Every replica keeps its weights in memory so that the first token arrives quickly.
        The scheduler batches the active sequences on every decode step; new requests join between steps,
        and finished ones leave the batch. Each step reads all of the weights once, so a larger batch
        produces more tokens for the same memory traffic.
        Classification, extraction and short answers are the common tasks. The customer asked about the
        order status, the shipping date, the refund policy, and the price of the product. The answer was
        positive, negative, or neutral, and the confidence of the answer was high.
        Platform teams apply a deployment and a routing policy; they watch the utilization of the GPUs,
        the rate of escalation, the spend against the budget, and the latency of the requests.
        This is a test of the system. Hello world! How are you today? I am fine, thank you.
        Please summarize the following text in one sentence. Translate the sentence into French.
        What is the capital of France? The capital of France is Paris. What is two plus two? Four.
        The quick brown fox jumps over the lazy dog. Numbers such as 1, 2, 3, 10, 42, 100 and 2026 appear too.
        """;
}
