using Grpc.Core;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Templating;

/// <summary>The worker's start-up and requests with a model folder that carries its own template (a copy of the tiny model).</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class WorkerChatTemplateTests
{
    private string _folder = null!;

    [SetUp]
    public void CopyTinyModel() => _folder = TinyModel.CopyTo(Path.Combine(Path.GetTempPath(), "slm-template-model-" + Guid.NewGuid().ToString("N")[..8], "model"));

    [TearDown]
    public void Delete() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);

    [Test]
    public async Task Start_ModelTemplateDoesNotParse_FailsNamingFileAndLine()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "chat_template.jinja"), "{% for m in messages %}\n{{ m.content\n");

        var act = () => RunningWorker.StartAsync(o => new() { ModelDirectory = _folder, ExecutionProvider = o.ExecutionProvider, WarmupPrompts = o.WarmupPrompts, LogLevel = o.LogLevel });

        (await act.Should().ThrowAsync<ModelLoadException>()).Which.Message.Should().StartWith("chat_template.jinja: the model's chat template does not parse at line 2");
    }

    [Test]
    public async Task Start_BrokenModelTemplate_ServesWhenTheFlagForcesAPreset()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "chat_template.jinja"), "{% if %}");

        await using var worker = await RunningWorker.StartAsync(o => new() { ModelDirectory = _folder, ExecutionProvider = o.ExecutionProvider, WarmupPrompts = o.WarmupPrompts, LogLevel = o.LogLevel, ChatTemplate = "phi3" });

        (await worker.Client.StatsAsync(new StatsRequest())).ChatTemplate.Should().Be("preset phi3");
    }

    [Test]
    public async Task Request_UsesTheModelsTemplate_UnlessTheRequestNamesAnother()
    {
        // Renders the user's text twice: a chatml render would give a different prompt length.
        await File.WriteAllTextAsync(Path.Combine(_folder, "chat_template.jinja"), "{% for m in messages %}{{ m.content }} {{ m.content }}{% endfor %}");
        await using var worker = await RunningWorker.StartAsync(o => new() { ModelDirectory = _folder, ExecutionProvider = o.ExecutionProvider, WarmupPrompts = o.WarmupPrompts, LogLevel = o.LogLevel });

        var own = await PromptTokens(worker, string.Empty);
        var raw = await RawPromptTokens(worker, "hello hello");
        var custom = await PromptTokens(worker, "{% for m in messages %}{{ m.content }}{% endfor %}");

        (await worker.Client.StatsAsync(new StatsRequest())).ChatTemplate.Should().Be("model (chat_template.jinja)");
        own.Should().Be(raw);
        custom.Should().Be(await RawPromptTokens(worker, "hello"));
    }

    [Test]
    public async Task Request_CustomTemplateThatDoesNotParse_InvalidArgumentWithLine()
    {
        await using var worker = await RunningWorker.StartAsync(o => new() { ModelDirectory = _folder, ExecutionProvider = o.ExecutionProvider, WarmupPrompts = o.WarmupPrompts, LogLevel = o.LogLevel });
        var request = new GenerateRequest { MaxNewTokens = 1, ChatTemplate = "{% for m in messages %}{{ m.content }}" };
        request.Messages.Add(new ChatMessage { Role = "user", Content = "hello" });

        var act = () => worker.GenerateAllAsync(request);

        var error = (await act.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().StartWith("chat_template: the Jinja template does not parse at line 1, column ");
    }

    [Test]
    public async Task Request_ToolRole_IsAcceptedAndLeftToTheTemplate()
    {
        await using var worker = await RunningWorker.StartAsync(o => new() { ModelDirectory = _folder, ExecutionProvider = o.ExecutionProvider, WarmupPrompts = o.WarmupPrompts, LogLevel = o.LogLevel });
        var request = new GenerateRequest { MaxNewTokens = 1, IgnoreEos = true };
        request.Messages.Add(new ChatMessage { Role = "user", Content = "weather?" });
        request.Messages.Add(new ChatMessage { Role = "tool", Content = "{\"temperature\": 18}" });

        var messages = await worker.GenerateAllAsync(request);

        messages[^1].Usage.CompletionTokens.Should().Be(1);
    }

    private static async Task<int> PromptTokens(RunningWorker worker, string template)
    {
        var request = new GenerateRequest { MaxNewTokens = 1, IgnoreEos = true, ChatTemplate = template };
        request.Messages.Add(new ChatMessage { Role = "user", Content = "hello" });
        return (await worker.GenerateAllAsync(request))[^1].Usage.PromptTokens;
    }

    private static async Task<int> RawPromptTokens(RunningWorker worker, string prompt)
        => (await worker.GenerateAllAsync(new GenerateRequest { Prompt = prompt, MaxNewTokens = 1, IgnoreEos = true }))[^1].Usage.PromptTokens;
}
