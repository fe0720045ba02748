using System.Text;
using System.Text.Json.Nodes;
using SlmFleet.Demo.Policies;

namespace SlmFleet.Demo.Workload;

/// <summary>
/// The mixed workload <c>make run</c> plays: mostly classification (what most production LLM calls
/// are), plus an extraction, schema-bound requests, a long document, a flagged request, a streamed
/// answer, a tool call and a conversation too long for the small model's context. Each request is what
/// a client would send; where it ends up is decided by the router, not here.
/// </summary>
internal static class DemoWorkload
{
    private const string Sentiment = "positive,negative,neutral";
    private const string Intents = "billing,shipping,returns,technical,other";

    public static IReadOnlyList<WorkloadItem> Default(string model = DemoPolicy.Alias) =>
    [
        Classify(model, "classify: review sentiment", Sentiment, "Review: Stopped working after a week and support never answered."),
        Classify(model, "classify: ticket intent", Intents, "Ticket: I was charged twice for order 48213, please refund one payment.", viaMetadata: true),
        Chat(model, "extract: order number and date", "extraction", "Extract the order number and the delivery date from: \"Your order #A-48213 will arrive on Friday, 14 March.\" Reply as 'order=..., date=...'.", maxTokens: 32),
        Classify(model, "classify: spam filter", "spam,not_spam", "Email: Congratulations! You won a free cruise, click here to claim your prize now!!!"),
        SchemaTriage(model),
        SchemaInvoice(model),
        Classify(model, "classify: ambiguous review", Sentiment, "Review: Arrived late but the quality is great, mixed feelings."),
        Chat(model, "long document: contract summary", "summarization", "Summarize the termination terms of this agreement in three bullet points.\n\n" + LongContract(), maxTokens: 200),
        Flagged(model),
        Classify(model, "classify: ticket intent", Intents, "Ticket: My parcel has been stuck in Rotterdam for nine days.", viaMetadata: true),
        Streamed(model),
        Tools(model),
        Chat(model, "conversation over SLM context", "faq", "Here is our whole support thread so far, please answer the last question.\n\n" + SupportThread(), maxTokens: 64),
        Classify(model, "classify: yes/no FAQ", "yes,no", "Question: Does the premium plan include phone support? Answer yes or no."),
        Classify(model, "classify: language", "en,de,fr,es,it", "Text: Je voudrais réserver une table pour deux personnes."),
        Classify(model, "classify: ticket intent", Intents, "Ticket: The app crashes when I open settings on Android 14.", viaMetadata: true),
    ];

    private static JsonArray User(string text) => [new JsonObject { ["role"] = "user", ["content"] = text }];

    private static Dictionary<string, string> NoHeaders() => [];

    /// <summary>A classification: the labels in the x-slmfleet-labels header (or metadata.labels), the prompt naming them too, as an app would for an LLM.</summary>
    private static WorkloadItem Classify(string model, string title, string labels, string text, bool viaMetadata = false)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = User($"{text}\nAnswer with one of: {labels.Replace(",", ", ", StringComparison.Ordinal)}."),
            ["max_tokens"] = 8,
            ["metadata"] = new JsonObject { ["task_type"] = "classification" },
        };
        var headers = NoHeaders();
        if (viaMetadata)
        {
            body["metadata"]!["labels"] = labels;
        }
        else
        {
            headers["x-slmfleet-labels"] = labels;
        }

        return new WorkloadItem(title, body, headers);
    }

    private static WorkloadItem Chat(string model, string title, string task, string text, int maxTokens) => new(
        title,
        new JsonObject { ["model"] = model, ["messages"] = User(text), ["max_tokens"] = maxTokens, ["metadata"] = new JsonObject { ["task_type"] = task } },
        NoHeaders());

    /// <summary>json_schema whose one property is a string enum: the router scores it as a classification and the answer is schema-valid by construction.</summary>
    private static WorkloadItem SchemaTriage(string model) => new(
        "json_schema: ticket triage (enum)",
        new JsonObject
        {
            ["model"] = model,
            ["messages"] = User("Triage this ticket: \"Refund still not received after 14 days, order 77120.\""),
            ["response_format"] = new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject
                {
                    ["name"] = "triage",
                    ["strict"] = true,
                    ["schema"] = JsonNode.Parse("""{"type":"object","properties":{"queue":{"type":"string","enum":["payments","logistics","product","account"]}},"required":["queue"],"additionalProperties":false}"""),
                },
            },
        },
        NoHeaders());

    /// <summary>A free-form extraction into a schema: the SLM must write valid JSON, is retried once, then escalates with schema_fail.</summary>
    private static WorkloadItem SchemaInvoice(string model) => new(
        "json_schema: invoice fields",
        new JsonObject
        {
            ["model"] = model,
            ["messages"] = User("Extract the invoice fields: \"Invoice INV-2025-0311 from Northwind Ltd, total EUR 1,240.50, due 2025-04-10.\""),
            ["max_tokens"] = 48,
            ["metadata"] = new JsonObject { ["task_type"] = "extraction" },
            ["response_format"] = new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject
                {
                    ["name"] = "invoice",
                    ["strict"] = true,
                    ["schema"] = JsonNode.Parse("""{"type":"object","properties":{"number":{"type":"string"},"supplier":{"type":"string"},"total":{"type":"number"},"due":{"type":"string","format":"date"}},"required":["number","supplier","total","due"],"additionalProperties":false}"""),
                },
            },
        },
        NoHeaders());

    private static WorkloadItem Flagged(string model) => new(
        $"flag '{DemoPolicy.ComplexFlag}': pricing analysis",
        new JsonObject
        {
            ["model"] = model,
            ["messages"] = User("Our churn rose from 2.1% to 3.4% after the price change while ARPU rose 12%. Was the change worth it over 12 months? Reason step by step."),
            ["max_tokens"] = 300,
        },
        new Dictionary<string, string> { ["x-slmfleet-flags"] = DemoPolicy.ComplexFlag });

    private static WorkloadItem Streamed(string model) => new(
        "stream: welcome e-mail draft",
        new JsonObject
        {
            ["model"] = model,
            ["messages"] = User("Write a two-sentence welcome e-mail for a new customer of our accounting app."),
            ["max_tokens"] = 64,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        },
        NoHeaders());

    private static WorkloadItem Tools(string model) => new(
        "tools: order status lookup",
        new JsonObject
        {
            ["model"] = model,
            ["messages"] = User("Where is my order A-48213?"),
            ["tools"] = new JsonArray(new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = "get_order_status",
                    ["description"] = "Looks up an order's shipping status.",
                    ["parameters"] = JsonNode.Parse("""{"type":"object","properties":{"order_id":{"type":"string"}},"required":["order_id"]}"""),
                },
            }),
        },
        NoHeaders());

    /// <summary>About 10 KB of agreement text: past the long-documents rule (2,000 estimated tokens).</summary>
    private static string LongContract()
    {
        var text = new StringBuilder();
        for (var clause = 1; text.Length < DemoPolicy.LongDocumentTokens * 4 + 1000; clause++)
        {
            text.Append(clause).Append(". Either party may terminate this Agreement for convenience on ninety (90) days' written notice. ")
                .Append("Termination for cause takes effect thirty (30) days after notice of a material breach that remains uncured. ")
                .Append("Fees paid in advance for the period after termination are refunded pro rata; accrued obligations survive.\n");
        }

        return text.ToString();
    }

    /// <summary>About 2.4 KB: under the long-documents rule, but longer than the tiny model's 512-token context.</summary>
    private static string SupportThread()
    {
        var text = new StringBuilder();
        for (var turn = 1; text.Length < 2400; turn++)
        {
            text.Append("Customer (").Append(turn).Append("): The export to CSV still drops the VAT column when the invoice has more than one currency.\n")
                .Append("Agent: Thanks, we have forwarded this to the billing team and will update you as soon as we hear back.\n");
        }

        return text.Append("Customer: Is there a workaround I can use today?").ToString();
    }
}
