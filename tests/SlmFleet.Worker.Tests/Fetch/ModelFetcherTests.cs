using System.Security.Cryptography;
using SlmFleet.Worker.Fetch;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Fetch;

[TestFixture]
public sealed class ModelFetcherTests
{
    private FakeModelHub _hub = null!;
    private string _destination = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task StartHub()
    {
        _hub = await FakeModelHub.StartAsync();
        _destination = Path.Combine(Path.GetTempPath(), "slm-fetch-" + Guid.NewGuid().ToString("N")[..8]);
        _http = new HttpClient();
    }

    [TearDown]
    public async Task StopHub()
    {
        _http.Dispose();
        await _hub.DisposeAsync();
        if (Directory.Exists(_destination))
        {
            Directory.Delete(_destination, recursive: true);
        }
    }

    private ModelFetcher Fetcher(string? token = null) => new(_http, new FetchOptions { HubUrl = _hub.BaseUrl, Token = token }, NoProgress.Instance);

    private void PublishTinyModel(string repo = "acme/tiny-onnx", string subdir = "cpu-int4")
    {
        foreach (var file in Directory.GetFiles(TinyModel.Directory))
        {
            _hub.Add($"{repo}/{subdir}/{Path.GetFileName(file)}", File.ReadAllBytes(file));
        }
    }

    [Test]
    public async Task Fetch_HubSubfolder_DownloadsALoadableModel()
    {
        PublishTinyModel();
        _hub.Add("acme/tiny-onnx/README.md", "not in the sub-folder"u8.ToArray());

        var files = await Fetcher().FetchAsync("hf://acme/tiny-onnx/cpu-int4", _destination, CancellationToken.None);

        files.Select(Path.GetFileName).Should().BeEquivalentTo(Directory.GetFiles(TinyModel.Directory).Select(Path.GetFileName));
        var model = ModelLoader.Load(_destination, ExecutionProviderChoice.Cpu, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        model.Engine.Dispose();
    }

    [Test]
    public async Task Fetch_PagedListing_FollowsNextLinks()
    {
        PublishTinyModel();
        _hub.PageSize = 1;

        var files = await Fetcher().FetchAsync("hf://acme/tiny-onnx/cpu-int4", _destination, CancellationToken.None);

        files.Should().HaveCount(Directory.GetFiles(TinyModel.Directory).Length);
    }

    [Test]
    public async Task Fetch_ConnectionDropped_ResumesWithRangeRequest()
    {
        PublishTinyModel();
        // The weights are the big file (model.onnx holds only the graph since make-model v2).
        _hub.CutPath = "cpu-int4/model.onnx.data";
        _hub.CutAfterBytes = 100_000;

        var first = () => Fetcher().FetchAsync("hf://acme/tiny-onnx/cpu-int4", _destination, CancellationToken.None);
        await first.Should().ThrowAsync<FetchException>().WithMessage("*interrupted*resume*");
        var partialLength = new FileInfo(Path.Combine(_destination, "model.onnx.data.part")).Length;
        await Fetcher().FetchAsync("hf://acme/tiny-onnx/cpu-int4", _destination, CancellationToken.None);

        partialLength.Should().BeGreaterThan(0);
        _hub.RangeHeaders.Should().Contain($"bytes={partialLength}-");
        File.ReadAllBytes(Path.Combine(_destination, "model.onnx.data")).Should().Equal(File.ReadAllBytes(Path.Combine(TinyModel.Directory, "model.onnx.data")));
        File.Exists(Path.Combine(_destination, "model.onnx.data.part")).Should().BeFalse();
    }

    [Test]
    public async Task Fetch_NoToken_401ErrorAsksForToken()
    {
        PublishTinyModel();
        _hub.RequiredToken = "hf_right";

        var act = () => Fetcher().FetchAsync("hf://acme/tiny-onnx/cpu-int4", _destination, CancellationToken.None);

        await act.Should().ThrowAsync<FetchException>().WithMessage("*401 Unauthorized*HF_TOKEN*no token was sent*");
    }

    [Test]
    public async Task Fetch_WrongToken_ErrorNeverContainsTheToken()
    {
        PublishTinyModel();
        _hub.RequiredToken = "hf_right";

        var act = () => Fetcher("hf_wrong_secret").FetchAsync("hf://acme/tiny-onnx/cpu-int4", _destination, CancellationToken.None);

        var error = await act.Should().ThrowAsync<FetchException>();
        error.Which.Message.Should().Contain("refused").And.NotContain("hf_wrong_secret");
    }

    [Test]
    public async Task Fetch_RightToken_Succeeds()
    {
        PublishTinyModel();
        _hub.RequiredToken = "hf_right";

        var files = await Fetcher("hf_right").FetchAsync("hf://acme/tiny-onnx/cpu-int4", _destination, CancellationToken.None);

        files.Should().HaveCount(Directory.GetFiles(TinyModel.Directory).Length);
    }

    [Test]
    public async Task Fetch_UnknownRepository_404Error()
    {
        var act = () => Fetcher().FetchAsync("hf://acme/does-not-exist", _destination, CancellationToken.None);

        await act.Should().ThrowAsync<FetchException>().WithMessage("*404 Not Found*");
    }

    [Test]
    public async Task Fetch_ChecksumMismatch_ErrorAndNoFile()
    {
        _hub.Add("acme/bad/model.onnx", [1, 2, 3, 4], advertisedSha: new string('a', 64));

        var act = () => Fetcher().FetchAsync("hf://acme/bad", _destination, CancellationToken.None);

        await act.Should().ThrowAsync<FetchException>().WithMessage("*checksum mismatch*");
        File.Exists(Path.Combine(_destination, "model.onnx")).Should().BeFalse();
        File.Exists(Path.Combine(_destination, "model.onnx.part")).Should().BeFalse();
    }

    [Test]
    public async Task Fetch_HttpsFileWithShaFragment_Verified()
    {
        var content = "weights"u8.ToArray();
        _hub.Add("acme/one/weights.bin", content);
        var url = new Uri(_hub.BaseUrl, "acme/one/resolve/main/weights.bin") + "#sha256=" + Convert.ToHexStringLower(SHA256.HashData(content));

        var files = await Fetcher().FetchAsync(url, _destination, CancellationToken.None);

        File.ReadAllBytes(files.Single()).Should().Equal(content);
    }

    [Test]
    [Platform("Linux")]
    public async Task Fetch_DiskFull_ClearError()
    {
        // /dev/full answers every write with ENOSPC: the same error a full volume gives.
        _hub.Add("acme/one/weights.bin", new byte[200_000]);
        Directory.CreateDirectory(_destination);
        File.CreateSymbolicLink(Path.Combine(_destination, "weights.bin.part"), "/dev/full");

        var act = () => Fetcher().FetchAsync(new Uri(_hub.BaseUrl, "acme/one/resolve/main/weights.bin").AbsoluteUri, _destination, CancellationToken.None);

        await act.Should().ThrowAsync<FetchException>().WithMessage("disk full while writing*weights.bin.part*free space*");
    }

    [Test]
    public async Task Fetch_FileSource_CopiesFolder()
    {
        var files = await Fetcher().FetchAsync(new Uri(TinyModel.Directory).AbsoluteUri, _destination, CancellationToken.None);

        files.Should().HaveCount(Directory.GetFiles(TinyModel.Directory).Length);
    }

    [Test]
    public async Task Fetch_UnsupportedScheme_ErrorNamesAcceptedForms()
    {
        var act = () => Fetcher().FetchAsync("s3://bucket/model", _destination, CancellationToken.None);

        await act.Should().ThrowAsync<FetchException>().WithMessage("*--source*hf://*");
    }
}
