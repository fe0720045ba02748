using SlmFleet.Worker.Cli;

namespace SlmFleet.Worker.Tests.Cli;

[TestFixture]
[NonParallelizable]
public sealed class CliCommandsTests
{
    private static async Task<(int ExitCode, string Error)> RunAsync(params string[] args)
    {
        var original = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            var code = await CliCommands.Build().Parse(args).InvokeAsync();
            return (code, error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Test]
    public async Task MakeModel_Tiny_WritesLoadableFolder()
    {
        var directory = Path.Combine(Path.GetTempPath(), "slm-cli-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (code, _) = await RunAsync("make-model", "--out", directory, "--preset", "tiny", "--seed", "5");

            code.Should().Be(0);
            File.Exists(Path.Combine(directory, "model.onnx")).Should().BeTrue();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task MakeModel_UnknownPreset_ExitCode2NamesAcceptedValues()
    {
        var (code, error) = await RunAsync("make-model", "--out", Path.GetTempPath(), "--preset", "huge");

        code.Should().Be(2);
        error.Should().Contain("--preset").And.Contain("tiny, small");
    }

    [Test]
    public async Task Serve_UnknownChatTemplate_ExitCode1NamesAcceptedForms()
    {
        var (code, error) = await RunAsync("serve", "--model", TinyModel.Directory, "--port", "0", "--metrics-port", "0", "--listen", "127.0.0.1", "--chat-template", "vicuna");

        code.Should().Be(1);
        error.Should().Contain("--chat-template: \"vicuna\" is unknown; accepted: chatml, phi3, llama3, a Jinja chat template");
    }

    [Test]
    public async Task Serve_MissingModelFolder_ExitCode1NamesThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N")[..8]);

        var (code, error) = await RunAsync("serve", "--model", missing, "--port", "0", "--metrics-port", "0", "--listen", "127.0.0.1");

        code.Should().Be(1);
        error.Should().Contain(missing);
    }

    [Test]
    public async Task Serve_BadMaxBatch_ExitCode2NamesTheFlag()
    {
        var (code, error) = await RunAsync("serve", "--model", TinyModel.Directory, "--max-batch", "0");

        code.Should().Be(2);
        error.Should().Contain("--max-batch: 0");
    }
}
