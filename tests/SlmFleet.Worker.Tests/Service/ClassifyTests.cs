using SlmFleet.Inference.V1;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Service;

[TestFixture]
public sealed class ClassifyTests
{
    private RunningWorker _worker = null!;

    [OneTimeSetUp]
    public async Task StartWorker() => _worker = await RunningWorker.StartAsync();

    [OneTimeTearDown]
    public async Task StopWorker() => await _worker.DisposeAsync();

    [Test]
    public async Task Classify_Labels_ProbabilitiesSumToOneSortedHighestFirst()
    {
        var request = new ClassifyRequest { Prompt = "The answer was" };
        request.Labels.AddRange([" positive", " negative", " neutral and long label"]);

        var response = await _worker.Client.ClassifyAsync(request);

        response.Scores.Sum(s => s.Probability).Should().BeApproximately(1.0, 1e-9);
        response.Scores.Select(s => s.Probability).Should().BeInDescendingOrder();
        response.Scores.Should().OnlyContain(s => s.LogLikelihood < 0);
        response.Label.Should().Be(response.Scores[0].Label);
        response.Confidence.Should().Be(response.Scores[0].Probability);
        response.Scores.Select(s => s.Label).Should().BeEquivalentTo(request.Labels);
    }

    [Test]
    public async Task Classify_LongerLabel_HasLowerLikelihoodThanItsPrefix()
    {
        // Adding tokens can only multiply in probabilities ≤ 1: a sanity check that scores are real log-likelihoods.
        var request = new ClassifyRequest { Prompt = "The answer was" };
        request.Labels.AddRange([" positive", " positive positive positive"]);

        var response = await _worker.Client.ClassifyAsync(request);

        var shorter = response.Scores.Single(s => s.Label == " positive").LogLikelihood;
        var longer = response.Scores.Single(s => s.Label == " positive positive positive").LogLikelihood;
        longer.Should().BeLessThan(shorter);
    }

    [Test]
    public async Task Classify_ChatMessages_UsesTemplate()
    {
        var request = new ClassifyRequest { ChatTemplate = "phi3" };
        request.Messages.Add(new ChatMessage { Role = "user", Content = "Is Paris in France?" });
        request.Labels.AddRange(["yes", "no"]);

        var response = await _worker.Client.ClassifyAsync(request);

        response.Scores.Should().HaveCount(2);
        response.Usage.PromptTokens.Should().BeGreaterThan(5);
    }
}
