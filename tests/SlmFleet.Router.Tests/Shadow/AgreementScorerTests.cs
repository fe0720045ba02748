using SlmFleet.Router.Shadow;

namespace SlmFleet.Router.Tests.Shadow;

[TestFixture]
public sealed class AgreementScorerTests
{
    [TestCase("Positive", " positive.", 1.0)]
    [TestCase("positive", "negative", 0.0)]
    public void Score_Classification_LabelEquality(string a, string b, double expected) =>
        AgreementScorer.Score(a, b, classification: true, structured: false).Should().Be((AgreementScorer.Label, expected));

    [TestCase("""{"a":1,"b":[1,2]}""", """{ "b":[1,2], "a":1 }""", 1.0)]
    [TestCase("""{"a":1}""", """{"a":2}""", 0.0)]
    [TestCase("""not json""", """{"a":2}""", 0.0)]
    public void Score_Structured_JsonEquality(string a, string b, double expected) =>
        AgreementScorer.Score(a, b, classification: false, structured: true).Should().Be((AgreementScorer.Json, expected));

    [Test]
    public void Score_Text_JaccardOverWords()
    {
        var (method, score) = AgreementScorer.Score("The cat sat.", "the cat ran", classification: false, structured: false);

        method.Should().Be(AgreementScorer.Overlap);
        score.Should().BeApproximately(2.0 / 4.0, 1e-12);
    }
}
