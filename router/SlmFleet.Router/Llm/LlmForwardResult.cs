namespace SlmFleet.Router.Llm;

/// <summary>What an LLM call produced: its status, token usage, and (non-streamed only) the answer's content for shadow scoring.</summary>
internal sealed record LlmForwardResult(int Status, int PromptTokens, int CompletionTokens, string? Content);
