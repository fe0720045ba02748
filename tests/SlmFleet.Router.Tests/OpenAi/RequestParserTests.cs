using System.Text;
using SlmFleet.Router.OpenAi;

namespace SlmFleet.Router.Tests.OpenAi;

[TestFixture]
public sealed class RequestParserTests
{
    [TestCase("\"max_tokens\":\"ten\"", "max_tokens", "an integer")]
    [TestCase("\"temperature\":\"hot\"", "temperature", "a number")]
    [TestCase("\"stream\":\"yes\"", "stream", "true or false")]
    [TestCase("\"seed\":1.5", "seed", "an integer")]
    public void Parse_WrongJsonType_NamesFieldAndExpectedKind(string field, string param, string expected)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"model":"m","messages":[{"role":"user","content":"hi"}],{{field}}}""");

        var (request, error) = RequestParser.Parse(body, EndpointKind.ChatCompletions, labelsHeader: null);

        request.Should().BeNull();
        error!.Status.Should().Be(400);
        error.Param.Should().Be(param);
        error.Message.Should().Be($"Field '{param}' has the wrong type: expected {expected}.");
        error.Message.Should().NotContain("System.", "clients should not read .NET type names");
    }

    [Test]
    public void Parse_MessagesNotAnArray_SaysArray()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":"hi"}""");

        var (_, error) = RequestParser.Parse(body, EndpointKind.ChatCompletions, labelsHeader: null);

        error!.Message.Should().Be("Field 'messages' has the wrong type: expected an array.");
    }
}
