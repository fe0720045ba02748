using System.Text.Json;
using SlmFleet.Testing;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Templating;
using SlmFleet.Worker.Templating.Runtime;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Templating;

/// <summary>
/// Every template of <see cref="ChatTemplateCorpus"/> renders every conversation it supports to the
/// same string as transformers.js's apply_chat_template (@lenml/tokenizers 3.7.2, @huggingface/jinja),
/// or raises the same raise_exception text. The reference renders the whole corpus in one node run.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class ChatTemplateReferenceTests
{
    /// <summary>
    /// Cases where @huggingface/jinja departs from Python's Jinja2, which transformers (and so the model's
    /// authors) run: the worker follows Python. The expected text was rendered with jinja2 3.1.6 in
    /// transformers' environment (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks); the test
    /// also checks that the reference still differs, so a fixed reference turns this list stale loudly.
    /// </summary>
    private static readonly Dictionary<string, (string Why, string Python)> PythonDivergences = new(StringComparer.Ordinal)
    {
        ["fixture-llama2/empty-system"] = ("'' != false is True in Python (str and bool never compare equal), False in @huggingface/jinja",
            "<s>[INST] <<SYS>>\n\n<</SYS>>\n\nHi [/INST]"),
    };

    private readonly Dictionary<string, JsonElement> _reference = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _configs = new(StringComparer.Ordinal);
    private string _referenceVersion = string.Empty;

    public static IEnumerable<TestCaseData> Cases()
        => from source in ChatTemplateCorpus.Sources
           from chat in ChatTemplateCorpus.Cases
           where (chat.Needs & source.Features) == chat.Needs
           select new TestCaseData(source, chat).SetName($"Render_{source.Name}_{chat.Id}_MatchesTransformersJs");

    [OneTimeSetUp]
    public async Task RenderWithReference()
    {
        ChatTemplateReference.Require();
        var cases = new List<object>();
        foreach (var data in Cases())
        {
            var source = (ChatTemplateSource)data.Arguments[0]!;
            var chat = (ChatCase)data.Arguments[1]!;
            if (source.Fixture is not null && FixtureModels.Root is null)
            {
                continue;
            }

            cases.Add(new Dictionary<string, object?>
            {
                ["id"] = Key(source, chat),
                ["package"] = source.Package,
                ["directory"] = source.Fixture is null ? null : Path.Combine(FixtureModels.Root!, "models", source.Fixture),
                ["template"] = source.PublishedFile is null ? null : PublishedTemplate(source.PublishedFile),
                ["messages"] = JsonDocument.Parse(chat.MessagesJson).RootElement,
                ["add_generation_prompt"] = chat.AddGenerationPrompt,
                ["tools"] = chat.ToolsJson is null ? null : JsonDocument.Parse(chat.ToolsJson).RootElement,
                ["variables"] = Variables(source, chat),
            });
        }

        var packages = ChatTemplateCorpus.Sources.Select(s => s.Package).OfType<string>().Distinct().ToList();
        var answer = await ChatTemplateReference.RunAsync(new Dictionary<string, object> { ["cases"] = cases, ["configs"] = packages });
        _referenceVersion = answer.GetProperty("version").GetString()!;
        foreach (var result in answer.GetProperty("results").EnumerateArray())
        {
            _reference[result.GetProperty("id").GetString()!] = result;
        }

        foreach (var config in answer.GetProperty("configs").EnumerateObject())
        {
            _configs[config.Name] = config.Value;
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Render_MatchesReference(ChatTemplateSource source, ChatCase chat)
    {
        if (source.Fixture is not null)
        {
            FixtureModels.Folder(source.Fixture);
        }

        var expected = _reference[Key(source, chat)];
        var template = Template(source);
        var conversation = new ChatConversation(Messages(chat.MessagesJson), chat.AddGenerationPrompt)
        {
            Tools = chat.ToolsJson is null ? null : (List<object?>)JinjaJson.FromJson(JsonDocument.Parse(chat.ToolsJson).RootElement)!,
            Variables = ((OrderedDictionary<string, object?>)JinjaJson.FromJson(JsonSerializer.SerializeToElement(Variables(source, chat)))!)
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        };

        string? text = null;
        JinjaException? error = null;
        try
        {
            text = template.Render(conversation);
        }
        catch (JinjaException ex)
        {
            error = ex;
        }

        if (PythonDivergences.TryGetValue(Key(source, chat), out var divergence))
        {
            var python = divergence.Python;
            expected.GetProperty("text").GetString().Should().NotBe(python, $"the reference was listed as diverging from Python here ({divergence.Why}); it no longer does");
            error.Should().BeNull();
            text.Should().Be(python, divergence.Why);
        }
        else if (expected.TryGetProperty("error", out var referenceError))
        {
            error.Should().NotBeNull($"transformers.js {_referenceVersion} raised \"{referenceError.GetString()}\" for {source.Name}/{chat.Id}, the worker rendered {Show(text)}");
            error!.Raised.Should().BeTrue($"the reference's error is the template's raise_exception, ours was {error.Message}");
            error.Reason.Should().Be(referenceError.GetString());
        }
        else
        {
            error.Should().BeNull($"transformers.js {_referenceVersion} rendered {Show(expected.GetProperty("text").GetString())}");
            text.Should().Be(expected.GetProperty("text").GetString(), $"{source.Name}/{chat.Id} as transformers.js {_referenceVersion} renders it");
        }
    }

    private JinjaChatTemplate Template(ChatTemplateSource source)
    {
        if (source.Fixture is not null)
        {
            return ModelChatTemplates.Load(FixtureModels.Folder(source.Fixture), source.Fixture).Default
                ?? throw new AssertionException($"fixture {source.Fixture} has no chat template");
        }

        // Packages: the worker reads the package's own tokenizer_config.json, written to a folder as a model would ship it.
        var package = source.Package!;
        var folder = Path.Combine(Path.GetTempPath(), "slm-chat-template-" + package.Replace('/', '_').Replace('@', '_'));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), _configs[package].GetRawText());
        var model = ModelChatTemplates.Load(folder, package);
        if (source.PublishedFile is null)
        {
            return model.Default ?? throw new AssertionException($"{package} has no chat template");
        }

        return new JinjaChatTemplate(JinjaTemplate.Parse(PublishedTemplate(source.PublishedFile), source.PublishedFile), $"published {source.PublishedFile}", model.SpecialTokens);
    }

    private static List<OrderedDictionary<string, object?>> Messages(string json)
        => ((List<object?>)JinjaJson.FromJson(JsonDocument.Parse(json).RootElement)!).Cast<OrderedDictionary<string, object?>>().ToList();

    private static Dictionary<string, JsonElement> Variables(ChatTemplateSource source, ChatCase chat)
    {
        var variables = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var json in new[] { source.VariablesJson, chat.VariablesJson }.OfType<string>())
        {
            foreach (var property in JsonDocument.Parse(json).RootElement.EnumerateObject())
            {
                variables[property.Name] = property.Value.Clone();
            }
        }

        return variables;
    }

    private static string PublishedTemplate(string file)
        => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "SlmFleet.Worker.Tests", "Templating", "testdata", "published", file));

    private static string Key(ChatTemplateSource source, ChatCase chat) => $"{source.Name}/{chat.Id}";

    private static string Show(string? text) => text is null ? "nothing" : JsonSerializer.Serialize(text);
}
