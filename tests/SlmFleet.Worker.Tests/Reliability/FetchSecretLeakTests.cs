using SlmFleet.Worker.Cli;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Reliability;

/// <summary>
/// <c>slm-worker fetch-model</c> with a known HF token from a token file, through success and every
/// failure the hub can cause (refused token, missing repo, connection cut mid-file): the token is sent to
/// the hub and appears in nothing the command prints.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FetchSecretLeakTests
{
    private const string HfToken = "hf_workerTOKEN5c3a1e9f7b2d4c6a8e0f";

    [Test]
    public async Task FetchModel_KnownTokenThroughEveryOutcome_TokenNeverPrinted()
    {
        // Arrange
        await using var hub = await FakeModelHub.StartAsync();
        foreach (var file in Directory.GetFiles(TinyModel.Directory))
        {
            hub.Add($"acme/tiny/{Path.GetFileName(file)}", File.ReadAllBytes(file));
        }

        var root = Path.Combine(Path.GetTempPath(), "slm-fetch-secret-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var tokenFile = Path.Combine(root, "token");
        await File.WriteAllTextAsync(tokenFile, HfToken + "\n");
        var printed = new StringWriter();
        var (stdout, stderr) = (Console.Out, Console.Error);
        var exitCodes = new List<int>();
        Console.SetOut(printed);
        Console.SetError(printed);
        try
        {
            async Task Run(string source, string dest) => exitCodes.Add(await CliCommands.Build()
                .Parse(["fetch-model", "--source", source, "--dest", Path.Combine(root, dest), "--token-file", tokenFile, "--hub-url", hub.BaseUrl.ToString()])
                .InvokeAsync());

            // Act: refused token, missing repo, a cut download, then a good one.
            hub.RequiredToken = "hf_someone_else";
            await Run("hf://acme/tiny", "a");
            hub.RequiredToken = HfToken;
            await Run("hf://acme/missing", "b");
            hub.CutPath = "model.onnx";
            hub.CutAfterBytes = 1000;
            await Run("hf://acme/tiny", "c");
            hub.CutPath = null;
            await Run("hf://acme/tiny", "d");
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Directory.Delete(root, recursive: true);
        }

        var text = printed.ToString();
        TestContext.Out.WriteLine($"RELIABILITY worker-fetch-secret-scan runs={exitCodes.Count} exitCodes={string.Join(",", exitCodes)} printedChars={text.Length}");

        // Assert: the failures were reported (so there was output to scan) and the last run succeeded …
        exitCodes.Take(3).Should().OnlyContain(c => c != 0);
        exitCodes[^1].Should().Be(0);
        text.Should().Contain("refused");
        // … and the token is nowhere in it.
        text.Should().NotContain(HfToken).And.NotContain(HfToken[3..18]);
    }
}
