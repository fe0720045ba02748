using SlmFleet.Worker.Model;

namespace SlmFleet.Worker.Tests.Model;

[TestFixture]
public sealed class ModelLoaderTests
{
    private string _directory = null!;

    [SetUp]
    public void CopyModel() => _directory = TinyModel.CopyTo(Path.Combine(Path.GetTempPath(), "slm-loader-" + Guid.NewGuid().ToString("N")[..8]));

    [TearDown]
    public void DeleteCopy() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Load_TinyModel_ReadsConfigAndTokenizer()
    {
        var model = ModelLoader.Load(_directory, ExecutionProviderChoice.Cpu, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var engine = model.Engine;

        engine.Config.Layers.Should().Be(2);
        engine.Config.ContextLength.Should().Be(512);
        engine.Config.EosTokenIds.Should().NotBeEmpty();
        model.ExecutionProvider.Should().Be("cpu");
        model.Tokenizer.Decode(model.Tokenizer.Encode("Hello world, 42!", addSpecialTokens: true)).Should().Be("Hello world, 42!");
    }

    [TestCase("genai_config.json")]
    [TestCase("model.onnx")]
    [TestCase("tokenizer.json")]
    public void Load_MissingFile_ErrorNamesTheFile(string file)
    {
        File.Delete(Path.Combine(_directory, file));

        var act = () => ModelLoader.Load(_directory, ExecutionProviderChoice.Cpu, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        act.Should().Throw<ModelLoadException>().WithMessage($"*{file}*missing*");
    }

    [TestCase("genai_config.json")]
    [TestCase("model.onnx")]
    [TestCase("tokenizer.json")]
    public void Load_CorruptFile_ErrorNamesTheFile(string file)
    {
        File.WriteAllText(Path.Combine(_directory, file), "{ this is not what it should be");

        var act = () => ModelLoader.Load(_directory, ExecutionProviderChoice.Cpu, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        act.Should().Throw<ModelLoadException>().WithMessage($"*{file}*");
    }

    [Test]
    public void Load_CudaRequestedOnCpuBuild_ClearError()
    {
        var act = () => ModelLoader.Load(_directory, ExecutionProviderChoice.Cuda, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        act.Should().Throw<ModelLoadException>().WithMessage("*--execution-provider cuda*");
    }

    [Test]
    public void Load_AutoOnCpuBuild_FallsBackToCpu()
    {
        var model = ModelLoader.Load(_directory, ExecutionProviderChoice.Auto, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var engine = model.Engine;

        model.ExecutionProvider.Should().Be("cpu");
    }
}
