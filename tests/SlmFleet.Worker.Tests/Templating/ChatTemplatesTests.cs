using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Templating;

namespace SlmFleet.Worker.Tests.Templating;

/// <summary>Where the worker finds a model's template, and which template a request gets.</summary>
[TestFixture]
public sealed class ChatTemplatesTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "slm-chat-templates-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static readonly ChatConversation Hello = ChatConversation.FromMessages([("user", "Hello")]);

    private void Write(string file, string text)
    {
        var path = Path.Combine(_folder, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Test]
    public void Load_ChatTemplateJinja_WinsOverTokenizerConfig()
    {
        Write("tokenizer_config.json", """{"bos_token": "<s>", "chat_template": "config:{{ messages[0].content }}"}""");
        Write("chat_template.jinja", "{{ bos_token }}file:{{ messages[0].content }}\n");

        var templates = ModelChatTemplates.Load(_folder, "m");

        templates.Default!.Description.Should().Be("model (chat_template.jinja)");
        templates.Default.Render(Hello).Should().Be("<s>file:Hello");
    }

    [Test]
    public void Load_ConfigTemplateString_AndAddedTokenObjects()
    {
        Write("tokenizer_config.json", """
            {"bos_token": {"__type": "AddedToken", "content": "<|begin|>", "lstrip": false}, "eos_token": "<|end|>", "pad_token": null,
             "chat_template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}{{ pad_token is defined }}"}
            """);

        var templates = ModelChatTemplates.Load(_folder, "m");

        templates.Default!.Description.Should().Be("model (tokenizer_config.json)");
        templates.Default.Render(Hello).Should().Be("<|begin|>Hello<|end|>False");
    }

    [Test]
    public void Load_NamedTemplates_DefaultServesPlainRequests_ToolUseServesRequestsWithTools()
    {
        Write("tokenizer_config.json", """{"chat_template": [{"name": "default", "template": "plain"}, {"name": "tool_use", "template": "tools:{{ tools | length }}"}]}""");

        var templates = ChatTemplates.Choose(null, ModelChatTemplates.Load(_folder, "m"));

        templates.Default.Description.Should().Be("model (tokenizer_config.json, default)");
        templates.ForRequest(string.Empty, hasTools: false)!.Render(Hello).Should().Be("plain");
        templates.ForRequest(string.Empty, hasTools: true)!.Render(Hello with { Tools = [1L, 2L] }).Should().Be("tools:2");
        templates.ForRequest("tool_use", hasTools: false)!.Description.Should().Be("model (tokenizer_config.json, tool_use)");
    }

    [Test]
    public void Load_TemplateThatDoesNotParse_FailsNamingFileLineAndColumn()
    {
        Write("chat_template.jinja", "{% for m in messages %}\n{{ m.content }\n{% endfor %}");

        var act = () => ModelChatTemplates.Load(_folder, "m");

        act.Should().Throw<ModelLoadException>().Which.Message.Should()
            .StartWith("chat_template.jinja: the model's chat template does not parse at line 2, column 1: ")
            .And.Contain("--chat-template");
    }

    [Test]
    public void Load_BrokenTemplate_IsSkippedWhenTheFlagReplacesIt()
    {
        Write("chat_template.jinja", "{% if %}");
        var problems = new List<ModelLoadException>();

        var templates = ChatTemplates.Choose("phi3", ModelChatTemplates.Load(_folder, "m", problems.Add));

        problems.Should().ContainSingle();
        templates.Default.Description.Should().Be("preset phi3");
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    [Test]
    public void Load_StrftimeNow_ReadsTheWorkersClock()
    {
        Write("chat_template.jinja", "Today Date: {{ strftime_now('%d %b %Y') }}");

        var templates = ModelChatTemplates.Load(_folder, "m", time: new FixedTime(new DateTimeOffset(2026, 12, 5, 23, 30, 0, TimeSpan.Zero)));

        templates.Default!.Render(Hello).Should().Be("Today Date: 05 Dec 2026");
    }

    [Test]
    public void Choose_NoFlag_NoModelTemplate_FallsBackToChatml()
    {
        var templates = ChatTemplates.Choose(null, ModelChatTemplates.Load(_folder, "m"));

        templates.Default.Description.Should().Be("preset chatml");
        templates.Default.Render(Hello).Should().Be("<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n");
    }

    [Test]
    public void Choose_FlagGiven_ReplacesTheModelsTemplate_RequestFieldReplacesBoth()
    {
        Write("chat_template.jinja", "model");

        var templates = ChatTemplates.Choose("llama3", ModelChatTemplates.Load(_folder, "m"));

        templates.Default.Description.Should().Be("preset llama3");
        templates.ForRequest(string.Empty, hasTools: false)!.Description.Should().Be("preset llama3");
        templates.ForRequest("phi3", hasTools: false)!.Render(Hello).Should().Be("<|user|>\nHello<|end|>\n<|assistant|>\n");
        templates.ForRequest("{% for m in messages %}[{{ m.content }}]{% endfor %}", hasTools: false)!.Render(Hello).Should().Be("[Hello]");
        templates.ForRequest("mistral", hasTools: false).Should().BeNull();
    }

    [Test]
    public void Choose_NoFlag_UsesTheModelsTemplate()
    {
        Write("chat_template.jinja", "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}");

        var templates = ChatTemplates.Choose(null, ModelChatTemplates.Load(_folder, "m"));

        templates.Default.Description.Should().Be("model (chat_template.jinja)");
        templates.ForRequest(string.Empty, hasTools: false)!.Render(Hello).Should().Be("<user>Hello");
    }

    [TestCase("<|user|>{content}<|end|>", "<|user|>Hello<|end|><|user|>")]
    [TestCase("<{{role}}>{{content}}</{{role}}>", "<user>Hello</user><assistant>")]
    public void Resolve_OneMessageFormat_SingleOrDoubleBraces(string format, string expected)
    {
        var template = ChatTemplate.Resolve(format, "--chat-template", ModelChatTemplates.None)!;

        template.Should().BeOfType<MessageFormatTemplate>();
        template.Render(Hello).Should().Be(expected);
    }

    [Test]
    public void Choose_FlagWithBrokenJinja_Throws()
    {
        var act = () => ChatTemplates.Choose("{% for m in messages %}", ModelChatTemplates.None);

        act.Should().Throw<JinjaException>();
    }

    [Test]
    public void Choose_UnknownFlag_ThrowsNamingTheAcceptedForms()
    {
        var act = () => ChatTemplates.Choose("mistral", ModelChatTemplates.None);

        act.Should().Throw<ArgumentException>().WithMessage("--chat-template: \"mistral\" is unknown; accepted: chatml, phi3, llama3*");
    }
}
