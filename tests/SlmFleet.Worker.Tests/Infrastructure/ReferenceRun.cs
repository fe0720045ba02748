using System.Text.Json;

namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>One prompt of a fixture's reference.json: ONNX Runtime GenAI's greedy tokens for exact prompt ids.</summary>
public sealed record ReferenceRun(string Name, int[] PromptIds, int[] GeneratedIds, double[] Top1Logprobs, double[] Margins)
{
    public static IReadOnlyList<ReferenceRun> Load(string fixtureFolder)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtureFolder, "reference.json")));
        return [.. document.RootElement.GetProperty("prompts").EnumerateArray().Select(p => new ReferenceRun(
            p.GetProperty("name").GetString()!,
            Ints(p, "prompt_ids"),
            Ints(p, "generated_ids"),
            Doubles(p, "top1_logprobs"),
            Doubles(p, "top1_top2_logit_margins")))];
    }

    private static int[] Ints(JsonElement element, string name) => [.. element.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];

    private static double[] Doubles(JsonElement element, string name)
        => element.TryGetProperty(name, out var values) ? [.. values.EnumerateArray().Select(e => e.GetDouble())] : [];
}
