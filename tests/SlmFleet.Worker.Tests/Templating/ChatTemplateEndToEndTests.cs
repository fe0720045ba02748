using System.Text.Json;
using Grpc.Core;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Templating;

/// <summary>
/// Chat requests through the real gRPC server on official builder exports whose folders carry their
/// own template: the prompt the worker builds has exactly as many tokens as transformers.js's
/// rendered-then-encoded prompt (apply_chat_template, then encode without special tokens, as
/// transformers' apply_chat_template(tokenize=True) does), and a conversation the template refuses
/// answers INVALID_ARGUMENT naming the template and its raise_exception text.
/// </summary>
[TestFixtureSource(nameof(Fixtures))]
[Parallelizable(ParallelScope.None)]
public sealed class ChatTemplateEndToEndTests(string fixture)
{
    private const string NonAlternatingError = "Conversation roles must alternate user/assistant/user/assistant/...";

    private RunningWorker _worker = null!;
    private string _folder = null!;

    public static IEnumerable<string> Fixtures() => ["gemma3-sliding-fp32", "llama-sentencepiece-32k-fp32"];

    private static readonly (string Role, string Content)[][] Conversations =
    [
        [("user", "Hello, how are you?")],
        [("system", "You are a concise assistant."), ("user", "Name three colours.")],
        [("user", "Hi!"), ("assistant", "Hello! How can I help?"), ("user", "Tell me a joke about cats.")],
        [("system", "Answer in French."), ("user", "  What is the capital of Italy?  "), ("assistant", "Rome."), ("user", "And of Spain?")],
    ];

    [OneTimeSetUp]
    public async Task Start()
    {
        _folder = FixtureModels.Folder(fixture);
        ChatTemplateReference.Require();
        _worker = await RunningWorker.StartAsync(o => new() { ModelDirectory = _folder, ExecutionProvider = o.ExecutionProvider, WarmupPrompts = o.WarmupPrompts, Seed = 1, LogLevel = o.LogLevel });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
    }

    [Test]
    public async Task Stats_ReportTheModelsOwnTemplate()
    {
        var stats = await _worker.Client.StatsAsync(new StatsRequest());

        stats.ChatTemplate.Should().Be("model (chat_template.jinja)");
    }

    [Test]
    public async Task ChatRequest_PromptTokens_EqualTheReferencesRenderedThenEncodedIds()
    {
        var cases = Conversations.Select((conversation, i) => new Dictionary<string, object?>
        {
            ["id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["directory"] = _folder,
            ["messages"] = conversation.Select(m => new Dictionary<string, string> { ["role"] = m.Role, ["content"] = m.Content }).ToList(),
            ["add_generation_prompt"] = true,
            ["encode"] = true,
        }).ToList();
        var answer = await ChatTemplateReference.RunAsync(new Dictionary<string, object> { ["cases"] = cases });
        var results = answer.GetProperty("results").EnumerateArray().ToList();

        for (var i = 0; i < Conversations.Length; i++)
        {
            results[i].TryGetProperty("error", out var error).Should().BeFalse($"the reference rendered conversation {i} ({(error.ValueKind == JsonValueKind.String ? error.GetString() : null)})");
            var referenceIds = results[i].GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToList();
            var request = new GenerateRequest { MaxNewTokens = 1, IgnoreEos = true };
            request.Messages.AddRange(Conversations[i].Select(m => new ChatMessage { Role = m.Role, Content = m.Content }));

            var messages = await _worker.GenerateAllAsync(request);

            await IgnoreIfTheTokenizerPredatesIssue13(messages[^1].Usage.PromptTokens, referenceIds.Count);
            messages[^1].Usage.PromptTokens.Should().Be(referenceIds.Count,
                $"{fixture} conversation {i}: transformers.js renders {JsonSerializer.Serialize(results[i].GetProperty("text").GetString())} and encodes it to {referenceIds.Count} ids");
        }
    }

    /// <summary>
    /// The rendered text is checked string for string by <see cref="ChatTemplateReferenceTests"/>; token
    /// counts also need the tokenizer to match transformers.js, which the SentencePiece fixture's does only
    /// with issue 13's tokenizer (it reports its family in Stats.tokenizer; the one before did not, and
    /// dropped spaces and newlines). Once that tokenizer is in, a mismatch fails as it should.
    /// </summary>
    private async Task IgnoreIfTheTokenizerPredatesIssue13(int promptTokens, int referenceTokens)
    {
        var stats = await _worker.Client.StatsAsync(new StatsRequest());
        if (promptTokens != referenceTokens && stats.Tokenizer.Length == 0)
        {
            Assert.Ignore($"{fixture}: {promptTokens} prompt tokens, transformers.js {referenceTokens}: this worker's tokenizer predates issue 13's (Stats.tokenizer is empty)");
        }
    }

    [Test]
    public async Task NonAlternatingConversation_InvalidArgumentNamingTheTemplateAndItsError()
    {
        var request = new GenerateRequest { MaxNewTokens = 1 };
        request.Messages.Add(new ChatMessage { Role = "user", Content = "First" });
        request.Messages.Add(new ChatMessage { Role = "user", Content = "Second" });

        var act = () => _worker.GenerateAllAsync(request);

        var error = (await act.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().StartWith($"messages: the chat template chat_template.jinja of {fixture} raised \"{NonAlternatingError}\" at line ");
        (await _worker.Client.StatsAsync(new StatsRequest())).Warm.Should().BeTrue("a template error answers the request; the worker keeps serving");
    }

    [Test]
    public async Task ClassifyRequest_NonAlternatingConversation_InvalidArgumentToo()
    {
        var request = new ClassifyRequest();
        request.Messages.Add(new ChatMessage { Role = "assistant", Content = "I go first" });
        request.Labels.Add("yes");

        var act = async () => await _worker.Client.ClassifyAsync(request);

        var error = (await act.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Contain(NonAlternatingError);
    }
}
