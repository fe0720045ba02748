using System.Text.Json.Nodes;

namespace SlmFleet.Demo.Workload;

/// <summary>One request of the demo workload: a label for the table, the chat-completions body and extra headers.</summary>
internal sealed record WorkloadItem(string Title, JsonObject Body, IReadOnlyDictionary<string, string> Headers)
{
    public bool Stream => Body["stream"]?.GetValue<bool>() == true;
}
