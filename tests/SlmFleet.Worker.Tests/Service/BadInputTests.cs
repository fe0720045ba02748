using Grpc.Core;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Service;

[TestFixture]
public sealed class BadInputTests
{
    private RunningWorker _worker = null!;

    [OneTimeSetUp]
    public async Task StartWorker() => _worker = await RunningWorker.StartAsync();

    [OneTimeTearDown]
    public async Task StopWorker() => await _worker.DisposeAsync();

    private static IEnumerable<TestCaseData> BadGenerateRequests()
    {
        yield return new TestCaseData(new GenerateRequest(), "prompt").SetName("Generate_EmptyPrompt_InvalidArgument");
        yield return new TestCaseData(new GenerateRequest { Prompt = "hi", MaxNewTokens = -1 }, "max_new_tokens").SetName("Generate_NegativeMaxNewTokens_InvalidArgument");
        yield return new TestCaseData(new GenerateRequest { Prompt = "hi", TopLogprobs = 21, Logprobs = true }, "top_logprobs").SetName("Generate_TopLogprobsOverTwenty_InvalidArgument");
        yield return new TestCaseData(new GenerateRequest { Prompt = "hi", TopLogprobs = 3 }, "top_logprobs").SetName("Generate_TopLogprobsWithoutLogprobs_InvalidArgument");
        yield return new TestCaseData(new GenerateRequest { Prompt = "hi", Sampling = new SamplingParameters { Temperature = -0.5f } }, "sampling.temperature").SetName("Generate_NegativeTemperature_InvalidArgument");
        yield return new TestCaseData(new GenerateRequest { Prompt = "hi", Sampling = new SamplingParameters { TopP = 1.5f } }, "sampling.top_p").SetName("Generate_TopPAboveOne_InvalidArgument");
        yield return new TestCaseData(new GenerateRequest { Prompt = "hi", Sampling = new SamplingParameters { TopK = -3 } }, "sampling.top_k").SetName("Generate_NegativeTopK_InvalidArgument");
        var unknownTemplate = new GenerateRequest { ChatTemplate = "mistral" };
        unknownTemplate.Messages.Add(new ChatMessage { Role = "user", Content = "hi" });
        yield return new TestCaseData(unknownTemplate, "chat_template").SetName("Generate_UnknownChatTemplate_InvalidArgument");
        var badRole = new GenerateRequest();
        badRole.Messages.Add(new ChatMessage { Role = "robot", Content = "hi" });
        yield return new TestCaseData(badRole, "messages[0].role").SetName("Generate_UnknownRole_InvalidArgument");
        var both = new GenerateRequest { Prompt = "hi" };
        both.Messages.Add(new ChatMessage { Role = "user", Content = "hi" });
        yield return new TestCaseData(both, "prompt and messages").SetName("Generate_PromptAndMessages_InvalidArgument");
        var emptyStop = new GenerateRequest { Prompt = "hi" };
        emptyStop.Stop.Add(string.Empty);
        yield return new TestCaseData(emptyStop, "stop[0]").SetName("Generate_EmptyStop_InvalidArgument");
    }

    private static IEnumerable<TestCaseData> TooLongRequests()
    {
        yield return new TestCaseData(new GenerateRequest { Prompt = string.Concat(Enumerable.Repeat("word ", 2000)) }, "prompt").SetName("Generate_PromptOverContext_OutOfRange");
        yield return new TestCaseData(new GenerateRequest { Prompt = "hi", MaxNewTokens = 1_000_000 }, "max_new_tokens").SetName("Generate_AbsurdMaxNewTokens_OutOfRange");
    }

    /// <summary>Too long for this model is OUT_OF_RANGE, so a router can send it to a longer-context model instead.</summary>
    [TestCaseSource(nameof(TooLongRequests))]
    public async Task Generate_OverContext_OutOfRangeNamingTheField(GenerateRequest request, string field)
    {
        var act = () => _worker.GenerateAllAsync(request);

        var error = await act.Should().ThrowAsync<RpcException>();
        error.Which.StatusCode.Should().Be(StatusCode.OutOfRange);
        error.Which.Status.Detail.Should().StartWith(field);
        await WorkerStillServes();
    }

    [TestCaseSource(nameof(BadGenerateRequests))]
    public async Task Generate_BadInput_InvalidArgumentNamingTheField(GenerateRequest request, string field)
    {
        var act = () => _worker.GenerateAllAsync(request);

        var error = await act.Should().ThrowAsync<RpcException>();
        error.Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Which.Status.Detail.Should().StartWith(field);
        await WorkerStillServes();
    }

    [Test]
    public async Task Classify_NoLabels_InvalidArgument()
    {
        var act = async () => await _worker.Client.ClassifyAsync(new ClassifyRequest { Prompt = "Is this good?" });

        var error = await act.Should().ThrowAsync<RpcException>();
        error.Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Which.Status.Detail.Should().StartWith("labels");
        await WorkerStillServes();
    }

    [Test]
    public async Task Classify_TooManyLabels_InvalidArgument()
    {
        var request = new ClassifyRequest { Prompt = "Pick one" };
        request.Labels.AddRange(Enumerable.Range(0, 65).Select(i => $"label {i}"));

        var act = async () => await _worker.Client.ClassifyAsync(request);

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Detail.Should().StartWith("labels: 65 labels");
    }

    [Test]
    public async Task Classify_EmptyPrompt_InvalidArgument()
    {
        var request = new ClassifyRequest();
        request.Labels.Add("yes");

        var act = async () => await _worker.Client.ClassifyAsync(request);

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Detail.Should().StartWith("prompt");
    }

    [Test]
    public async Task Classify_DuplicateLabels_InvalidArgument()
    {
        var request = new ClassifyRequest { Prompt = "Is this good?" };
        request.Labels.Add("yes");
        request.Labels.Add("yes");

        var act = async () => await _worker.Client.ClassifyAsync(request);

        (await act.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
    }

    private async Task WorkerStillServes()
    {
        var messages = await _worker.GenerateAllAsync(new GenerateRequest { Prompt = "still there?", MaxNewTokens = 2, IgnoreEos = true });
        messages[^1].Usage.CompletionTokens.Should().Be(2);
    }
}
