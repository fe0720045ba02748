using SlmFleet.Inference.V1;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Engine;

/// <summary>
/// Classify scores a label as a continuation after one shared prefill of the prompt. Oracle: a
/// label made of the reference's first k greedy tokens has, as its log-likelihood, the sum of
/// ONNX Runtime GenAI's top-1 log-probabilities for those steps (reference.json), whichever other
/// labels share the batch.
/// </summary>
[TestFixture]
public sealed class ClassifyReferenceTests
{
    [TestCase("qwen2-gqa-fp32")]
    [TestCase("llama-gqa-fp32")]
    public async Task Classify_GreedyContinuationLabels_ScoreTheReferenceLogprobs(string fixture)
    {
        var folder = FixtureModels.Folder(fixture);
        await using var worker = await RunningWorker.StartAsync(o => new() { ModelDirectory = folder, ExecutionProvider = o.ExecutionProvider, WarmupPrompts = o.WarmupPrompts, LogLevel = o.LogLevel });
        var tokenizer = worker.Host.State.Model.Tokenizer;
        var checkedLabels = 0;
        foreach (var run in ReferenceRun.Load(folder).Where(r => r.Name is "short" or "code" or "long"))
        {
            var prompt = tokenizer.Decode(run.PromptIds);
            var request = new ClassifyRequest { Prompt = prompt };
            var expected = new Dictionary<string, double>();
            for (var k = 1; k <= 4; k++)
            {
                var label = tokenizer.Decode(run.GeneratedIds.Take(k));
                // Only labels whose joint encoding reproduces the reference ids are an exact oracle.
                if (tokenizer.Encode(prompt + label, addSpecialTokens: false).SequenceEqual(run.PromptIds.Concat(run.GeneratedIds.Take(k))) && !expected.ContainsKey(label))
                {
                    expected[label] = run.Top1Logprobs.Take(k).Sum();
                    request.Labels.Add(label);
                }
            }

            if (request.Labels.Count < 2)
            {
                continue;
            }

            var response = await worker.Client.ClassifyAsync(request);
            foreach (var score in response.Scores)
            {
                score.LogLikelihood.Should().BeApproximately(expected[score.Label], 1e-3, $"{fixture} {run.Name} label of {score.Label.Length} chars");
                checkedLabels++;
            }
        }

        checkedLabels.Should().BeGreaterThanOrEqualTo(4, "enough labels re-encode to the reference ids to make the check meaningful");
    }
}
