using System.Text.Json;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Tests.Infrastructure;

namespace SlmFleet.Router.Tests.Hosting;

/// <summary>
/// The router's own header limits at their exact boundaries (bytes counted as name + value + 4 per
/// line, header lines counted one by one), the OpenAI error body of the 431, and Kestrel's bare 431
/// only past four times the limits. Raw sockets, so every header byte is the test's.
/// </summary>
[TestFixture]
public sealed class RequestHeaderLimitsTests
{
    private const string Policies = "deployments: []\npolicies: []\n";
    private TestRouter _router = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _router = await TestRouter.StartAsync(Policies);

    [OneTimeTearDown]
    public async Task StopAsync() => await _router.DisposeAsync();

    [Test]
    public async Task Headers_ExactlyAtTheByteLimit_Served()
    {
        var (status, _, body) = await RawHttp.GetAsync(_router.BaseUrl, "/healthz", [PadTo(32 * 1024)]);

        status.Should().Be(200, body);
        body.Should().Be("ok");
    }

    [Test]
    public async Task Headers_OneByteOverTheLimit_Get431WithOpenAiBody()
    {
        var (status, head, body) = await RawHttp.GetAsync(_router.BaseUrl, "/healthz", [PadTo((32 * 1024) + 1)]);

        status.Should().Be(431, body);
        head.Should().Contain("Content-Type: application/json");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        error.GetProperty("type").GetString().Should().Be("invalid_request_error");
        error.GetProperty("code").GetString().Should().Be(RequestHeaderLimits.Code);
        error.GetProperty("message").GetString().Should().Contain("total 32769 bytes").And.Contain("at most 32768 bytes");
    }

    [Test]
    public async Task Headers_ExactlyAtTheCountLimit_Served()
    {
        var (status, _, body) = await RawHttp.GetAsync(_router.BaseUrl, "/healthz", Numbered(100 - RawHttp.BaseHeaders.Count));

        status.Should().Be(200, body);
    }

    [Test]
    public async Task Headers_OneOverTheCountLimit_Get431WithOpenAiBody()
    {
        var (status, _, body) = await RawHttp.GetAsync(_router.BaseUrl, "/v1/models", Numbered(101 - RawHttp.BaseHeaders.Count));

        status.Should().Be(431, body);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        error.GetProperty("code").GetString().Should().Be(RequestHeaderLimits.Code);
        error.GetProperty("message").GetString().Should().Contain("101 header lines").And.Contain("at most 100 headers");
    }

    [Test]
    public async Task RepeatedHeaderLines_EachLineCounts()
    {
        var repeated = Enumerable.Repeat(("x-repeat", "1"), 101 - RawHttp.BaseHeaders.Count);

        var (status, _, body) = await RawHttp.GetAsync(_router.BaseUrl, "/healthz", repeated);

        status.Should().Be(431, body);
        body.Should().Contain("101 header lines");
    }

    [TestCase(200 * 1024, 1)]
    [TestCase(16, 500)]
    public async Task FloodPastKestrelsLastResortLimit_GetsBare431_AndTheRouterSurvives(int valueLength, int headers)
    {
        // Arrange: 200 KiB is past Kestrel's 4 x 32 KiB; 500 headers past its 4 x 100.
        var flood = Enumerable.Range(0, headers).Select(i => ($"x-flood-{i}", new string('f', valueLength)));

        // Act
        var (status, _, body) = await RawHttp.GetAsync(_router.BaseUrl, "/healthz", flood);
        var after = await RawHttp.GetAsync(_router.BaseUrl, "/healthz", []);

        // Assert
        status.Should().Be(431);
        body.Should().NotContain(RequestHeaderLimits.Code, "Kestrel answers these before the router runs");
        after.Status.Should().Be(200);
        after.Body.Should().Be("ok");
    }

    [Test]
    public async Task ConfiguredLimits_ApplyAndScaleKestrelsLimit()
    {
        // Arrange
        await using var router = await TestRouter.StartAsync(Policies, (options, _) => (options.MaxRequestHeaderBytes, options.MaxRequestHeaders) = (1024, 10));

        // Act
        var atLimit = await RawHttp.GetAsync(router.BaseUrl, "/healthz", [PadTo(1024)]);
        var overLimit = await RawHttp.GetAsync(router.BaseUrl, "/healthz", [PadTo(1025)]);
        var overCount = await RawHttp.GetAsync(router.BaseUrl, "/healthz", Numbered(11 - RawHttp.BaseHeaders.Count));
        var pastKestrel = await RawHttp.GetAsync(router.BaseUrl, "/healthz", [PadTo((4 * 1024) + 512)]);

        // Assert
        atLimit.Status.Should().Be(200);
        overLimit.Status.Should().Be(431);
        overLimit.Body.Should().Contain("at most 1024 bytes");
        overCount.Body.Should().Contain("at most 10 headers");
        pastKestrel.Status.Should().Be(431);
        pastKestrel.Body.Should().NotContain(RequestHeaderLimits.Code);
    }

    [TestCase(0, 100, "--max-request-header-bytes: 0")]
    [TestCase(32768, -1, "--max-request-headers: -1")]
    public void Build_NonPositiveLimit_FailsNamingTheFlag(int bytes, int headers, string expected)
    {
        var options = new RouterOptions { Listen = "http://127.0.0.1:0", MaxRequestHeaderBytes = bytes, MaxRequestHeaders = headers };

        var act = () => RouterHost.Build(options);

        act.Should().Throw<InvalidOperationException>().WithMessage($"*{expected}*");
    }

    /// <summary>One x-pad header that brings the request's header total (with the base headers) to exactly <paramref name="total"/> bytes.</summary>
    private static (string, string) PadTo(int total)
    {
        var used = RawHttp.BaseHeaders.Sum(RawHttp.LineBytes);
        return ("x-pad", new string('p', total - used - RawHttp.LineBytes(("x-pad", string.Empty))));
    }

    private static IEnumerable<(string, string)> Numbered(int count) => Enumerable.Range(0, count).Select(i => ($"x-h-{i}", "1"));
}
