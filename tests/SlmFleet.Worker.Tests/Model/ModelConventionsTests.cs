using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Model;

/// <summary>The engine reads each export's conventions from its graph and config, and refuses what it cannot serve exactly.</summary>
[TestFixture]
public sealed class ModelConventionsTests
{
    private readonly List<string> _copies = [];

    [TearDown]
    public void DeleteCopies()
    {
        _copies.ForEach(c => Directory.Delete(c, recursive: true));
        _copies.Clear();
    }

    [TestCase("qwen2-gqa-fp32", "KV fp32", "logits fp32")]
    [TestCase("qwen2-gqa-fp16", "KV fp16", "logits fp16")]
    [TestCase("qwen2-gqa-int4", "MatMulNBits x11", "KV fp32")]
    [TestCase("gemma3-sliding-fp32", "sliding window 32 on layers [0,1,2,3,4]", "GroupQueryAttention x6")]
    public void Load_BuilderExport_ReadsConventionsFromTheGraph(string fixture, string expected, string alsoExpected)
    {
        var model = ModelLoader.Load(FixtureModels.Folder(fixture), ExecutionProviderChoice.Cpu, NullLogger.Instance);
        using var engine = model.Engine;

        engine.Conventions.Layout.Should().Be(AttentionLayout.SharedBuffer);
        engine.Conventions.HasPositionIds.Should().BeFalse("the builder's GroupQueryAttention rotates inside the op");
        engine.Conventions.Summary.Should().Contain(expected).And.Contain(alsoExpected);
    }

    [Test]
    public void Load_SlidingWindow_LocalLayersGetWindowPlusSlackColumns()
    {
        var model = ModelLoader.Load(FixtureModels.Folder("gemma3-sliding-fp32"), ExecutionProviderChoice.Cpu, NullLogger.Instance);
        using var engine = model.Engine;

        engine.Conventions.LayerCapacity.Should().Equal(48, 48, 48, 48, 48, 2048);
        engine.Conventions.ChunkedPrefill.Should().BeFalse();
    }

    [Test]
    public void Load_MaxSequenceLength_SizesSlotsAndLimitsRequests()
    {
        var model = ModelLoader.Load(FixtureModels.Folder("qwen2-gqa-fp32"), ExecutionProviderChoice.Cpu, NullLogger.Instance, new EngineOptions { MaxSequenceLength = 300, MaxBatch = 4 });
        using var engine = model.Engine;

        engine.Conventions.MaxSequenceLength.Should().Be(300);
        engine.Cache.Slots.Should().Be(4 + SlmFleet.Worker.Scheduling.ClassifyScorer.ScratchSlots);
    }

    [Test]
    public void Load_WindowLongerThanMaxSequence_RefusedNamingTheWindow()
    {
        var folder = FixtureModels.Folder("gemma3-sliding-fp32");

        var act = () => ModelLoader.Load(folder, ExecutionProviderChoice.Cpu, NullLogger.Instance, new EngineOptions { MaxSequenceLength = 16 });

        act.Should().Throw<ModelLoadException>().WithMessage("*sliding_window.window_size 32*");
    }

    [Test]
    public void Load_MoreLayersInConfigThanGraph_RefusedNamingTheMissingInput()
    {
        var folder = CopyWithConfig("qwen2-gqa-fp32", c => c["model"]!["decoder"]!["num_hidden_layers"] = 3);

        var act = () => ModelLoader.Load(folder, ExecutionProviderChoice.Cpu, NullLogger.Instance);

        act.Should().Throw<ModelLoadException>().WithMessage("*past_key_values.2.key*num_hidden_layers 3*");
    }

    [Test]
    public void Load_BeamSearchDefault_RefusedNamingTheOption()
    {
        var folder = CopyWithConfig("qwen2-gqa-fp32", c => c["search"]!["num_beams"] = 4);

        var act = () => ModelLoader.Load(folder, ExecutionProviderChoice.Cpu, NullLogger.Instance);

        act.Should().Throw<ModelLoadException>().WithMessage("*search.num_beams is 4*");
    }

    [Test]
    public void Load_SlidingWindowWithoutLocalAttention_RefusedNamingBoth()
    {
        var folder = CopyWithConfig("qwen2-gqa-fp32", c => c["model"]!["decoder"]!["sliding_window"] = new JsonObject { ["window_size"] = 32, ["layers"] = new JsonArray(0, 1) });

        var act = () => ModelLoader.Load(folder, ExecutionProviderChoice.Cpu, NullLogger.Instance);

        act.Should().Throw<ModelLoadException>().WithMessage("*sliding_window.layers names 2 layers*0 GroupQueryAttention nodes with a local_window_size*");
    }

    [Test]
    public void Load_WrongKvHeads_RefusedNamingShapeAndConfig()
    {
        var folder = CopyWithConfig("qwen2-gqa-fp32", c => c["model"]!["decoder"]!["num_key_value_heads"] = 4);

        var act = () => ModelLoader.Load(folder, ExecutionProviderChoice.Cpu, NullLogger.Instance);

        act.Should().Throw<ModelLoadException>().WithMessage("*past_key_values.0.key*4 (num_key_value_heads)*");
    }

    private string CopyWithConfig(string fixture, Action<JsonNode> edit)
    {
        var source = FixtureModels.Folder(fixture);
        var copy = Path.Combine(Path.GetTempPath(), "slm-conventions-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copy);
        _copies.Add(copy);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var configPath = Path.Combine(copy, "genai_config.json");
        File.SetAttributes(configPath, FileAttributes.Normal);
        var config = JsonNode.Parse(File.ReadAllText(configPath))!;
        edit(config);
        File.WriteAllText(configPath, config.ToJsonString());
        return copy;
    }
}
