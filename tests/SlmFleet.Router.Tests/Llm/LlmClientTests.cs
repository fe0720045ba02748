using SlmFleet.Router.Llm;

namespace SlmFleet.Router.Tests.Llm;

/// <summary>The endpoint Uri cache of <see cref="LlmClient"/>: one Uri per (base URL, path), built as before.</summary>
[TestFixture]
public sealed class LlmClientTests
{
    private ServiceProvider _services = null!;
    private LlmClient _client = null!;

    [SetUp]
    public void SetUp()
    {
        var services = new ServiceCollection();
        services.AddHttpClient(LlmClient.HttpClientName);
        _services = services.BuildServiceProvider();
        _client = new LlmClient(_services.GetRequiredService<IHttpClientFactory>(), new LlmKeyProvider(Path.GetTempPath(), TimeProvider.System));
    }

    [TearDown]
    public void TearDown() => _services.Dispose();

    [Test]
    public void Endpoint_SamePairTwice_SameUriInstance()
    {
        var first = _client.Endpoint("http://127.0.0.1:8080/v1", "chat/completions");

        var second = _client.Endpoint("http://127.0.0.1:8080/v1", "chat/completions");

        second.Should().BeSameAs(first);
        first.AbsoluteUri.Should().Be("http://127.0.0.1:8080/v1/chat/completions");
    }

    [Test]
    public void Endpoint_OtherPathOrBaseUrl_DistinctUris()
    {
        var chat = _client.Endpoint("http://127.0.0.1:8080/v1", "chat/completions");

        var completions = _client.Endpoint("http://127.0.0.1:8080/v1", "completions");
        var other = _client.Endpoint("http://127.0.0.1:9090/v1/", "chat/completions");

        completions.AbsoluteUri.Should().Be("http://127.0.0.1:8080/v1/completions");
        other.AbsoluteUri.Should().Be("http://127.0.0.1:9090/v1/chat/completions");
        chat.AbsoluteUri.Should().Be("http://127.0.0.1:8080/v1/chat/completions");
    }

    [Test]
    public void Endpoint_ManyDistinctBaseUrls_StillCorrectPastTheCacheBound()
    {
        for (var port = 1; port <= 600; port++)
        {
            _client.Endpoint($"http://127.0.0.1:{port}/v1", "chat/completions").Port.Should().Be(port);
        }

        _client.Endpoint("http://127.0.0.1:7/v1", "completions").AbsoluteUri.Should().Be("http://127.0.0.1:7/v1/completions");
    }

    [Test]
    public void Endpoint_RelativeBaseUrl_ThrowsEveryTime()
    {
        var act = () => _client.Endpoint("not a url", "chat/completions");

        act.Should().Throw<UriFormatException>();
        act.Should().Throw<UriFormatException>();
    }
}
