using SlmFleet.Worker.Engine;

namespace SlmFleet.Worker.Tests.Engine;

[TestFixture]
public sealed class TokenSamplerTests
{
    private static readonly float[] Logits = [1f, 3f, 2f, 0.5f];

    [Test]
    public void Next_Greedy_PicksArgMaxWithItsLogProbability()
    {
        var (token, logprob) = new TokenSampler(SamplingOptions.Greedy, new Random(1)).Next(Logits);

        token.Should().Be(1);
        var expected = 3 - Math.Log(Logits.Sum(l => Math.Exp(l)));
        logprob.Should().BeApproximately((float)expected, 1e-5f);
    }

    [Test]
    public void Next_TopK1_AlwaysTheBestToken()
    {
        var sampler = new TokenSampler(new SamplingOptions(5f, 1, 1f), new Random(9));

        Enumerable.Range(0, 50).Select(_ => sampler.Next(Logits).Token).Should().OnlyContain(t => t == 1);
    }

    [Test]
    public void Next_TopP_ExcludesTheTail()
    {
        // At temperature 1 the best token holds ~0.63 of the mass and the two best ~0.86: top_p 0.85 keeps only those two.
        var sampler = new TokenSampler(new SamplingOptions(1f, 0, 0.85f), new Random(3));

        var seen = Enumerable.Range(0, 300).Select(_ => sampler.Next(Logits).Token).ToHashSet();

        seen.Should().BeEquivalentTo([1, 2]);
    }

    [Test]
    public void Next_HighTemperature_VisitsEveryToken()
    {
        var sampler = new TokenSampler(new SamplingOptions(10f, 0, 1f), new Random(5));

        Enumerable.Range(0, 300).Select(_ => sampler.Next(Logits).Token).ToHashSet().Should().HaveCount(4);
    }
}
