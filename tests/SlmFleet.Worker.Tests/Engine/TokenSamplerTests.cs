using SlmFleet.Worker.Engine;

namespace SlmFleet.Worker.Tests.Engine;

[TestFixture]
public sealed class TokenSamplerTests
{
    private const int QwenVocabulary = 151_936;
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

    [TestCase(0.7f, 4, 1f)]
    [TestCase(1.3f, 0, 0.8f)]
    [TestCase(1f, 5, 0.7f)]
    [TestCase(2f, 0, 1f)]
    [TestCase(0.5f, 3, 0.95f)]
    public void Next_Sampling_MatchesTheBruteForceDistribution(float temperature, int topK, float topP)
    {
        // Ties (ids 2 and 5, 6 and 7) make the top-k / top-p cut fall by token id.
        float[] logits = [0.3f, 2.1f, 1.4f, -0.7f, 2.6f, 1.4f, 0.9f, 0.9f, -2f, 1.9f];
        var expected = ReferenceDistribution(logits, new SamplingOptions(temperature, topK, topP));
        var sampler = new TokenSampler(new SamplingOptions(temperature, topK, topP), new Random(2024));
        const int Draws = 20_000;

        var counts = new int[logits.Length];
        for (var i = 0; i < Draws; i++)
        {
            counts[sampler.Next(logits).Token]++;
        }

        for (var token = 0; token < logits.Length; token++)
        {
            var p = expected[token];
            var sigma = Math.Sqrt(p * (1 - p) / Draws);
            ((double)counts[token] / Draws).Should().BeApproximately(p, (5 * sigma) + 1e-9, $"token {token} has probability {p:F4}");
        }
    }

    [TestCase(1f, 0, 0.9f)]
    [TestCase(0.7f, 50, 0.9f)]
    [TestCase(1f, 0, 1f)]
    [TestCase(0f, 0, 1f)]
    public void Next_SameSeedAndLogits_SameTokens(float temperature, int topK, float topP)
    {
        var logits = RandomLogits(QwenVocabulary, seed: 7, spread: 2f);
        var options = new SamplingOptions(temperature, topK, topP);
        var first = new TokenSampler(options, new Random(11));
        var second = new TokenSampler(options, new Random(11));

        var a = Enumerable.Range(0, 20).Select(_ => first.Next(logits)).ToList();
        var b = Enumerable.Range(0, 20).Select(_ => second.Next(logits)).ToList();

        a.Should().Equal(b);
    }

    [Test]
    public void Next_Greedy_TiesGoToTheLowestId()
    {
        var sampler = new TokenSampler(SamplingOptions.Greedy, new Random(1));

        sampler.Next([1f, 3f, 0f, 3f]).Token.Should().Be(1);
        sampler.Next([-1f, -0f, 0f]).Token.Should().Be(1, "+0 and -0 are the same logit");
        sampler.Next(Enumerable.Repeat(0.5f, 1000).Append(2f).Concat(Enumerable.Repeat(2f, 1000)).ToArray()).Token.Should().Be(1000);
    }

    [TestCase(0f, 0, 1f)]
    [TestCase(1f, 0, 1f)]
    [TestCase(1f, 2, 1f)]
    [TestCase(1f, 0, 0.99f)]
    public void Next_NaNLogits_CountAsMinusInfinity(float temperature, int topK, float topP)
    {
        float[] logits = [float.NaN, 1f, float.NaN, 0.5f, float.NaN];
        var sampler = new TokenSampler(new SamplingOptions(temperature, topK, topP), new Random(4));

        var picks = Enumerable.Range(0, 200).Select(_ => sampler.Next(logits)).ToList();

        picks.Select(p => p.Token).Should().OnlyContain(t => t == 1 || t == 3);
        var expected = 1 - Math.Log(Math.Exp(1) + Math.Exp(0.5));
        picks.First(p => p.Token == 1).LogProbability.Should().BeApproximately((float)expected, 1e-5f);
    }

    [TestCase(0f)]
    [TestCase(1f)]
    public void Next_PositiveInfinity_TakesAllTheMass(float temperature)
    {
        float[] logits = [3f, float.PositiveInfinity, 2f, float.NaN];
        var sampler = new TokenSampler(new SamplingOptions(temperature, 0, 1f), new Random(4));

        var picks = Enumerable.Range(0, 100).Select(_ => sampler.Next(logits)).ToList();

        picks.Should().OnlyContain(p => p.Token == 1 && p.LogProbability == 0f);
    }

    [TestCase(0f, 0, 1f)]
    [TestCase(0.8f, 40, 0.9f)]
    public void Next_EveryLogitMinusInfinityOrNaN_ThrowsAClearError(float temperature, int topK, float topP)
    {
        var sampler = new TokenSampler(new SamplingOptions(temperature, topK, topP), new Random(1));

        var act = () => sampler.Next([float.NegativeInfinity, float.NaN, float.NegativeInfinity]);

        act.Should().Throw<ArgumentException>().WithMessage("all 3 logits are -inf or NaN*");
    }

    [Test]
    public void Next_MinusInfinityTokens_AreNeverSampled()
    {
        var logits = Enumerable.Repeat(float.NegativeInfinity, 1000).ToArray();
        logits[10] = 0f;
        logits[700] = 0f;
        var sampler = new TokenSampler(new SamplingOptions(1f, 0, 1f), new Random(8));

        Enumerable.Range(0, 200).Select(_ => sampler.Next(logits).Token).Distinct().Should().BeEquivalentTo([10, 700]);
    }

    [Test]
    public void LogSumExp_MatchesADoubleReferenceAndIgnoresNaN()
    {
        var logits = RandomLogits(QwenVocabulary, seed: 3, spread: 4f);
        var max = logits.Max();
        var expected = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));

        TokenSampler.LogSumExp(logits).Should().BeApproximately((float)expected, 1e-4f);
        TokenSampler.LogSumExp([float.NaN, 0f, 0f]).Should().BeApproximately(MathF.Log(2), 1e-6f);
        TokenSampler.LogSumExp([float.NegativeInfinity]).Should().Be(float.NegativeInfinity);
    }

    [TestCase(1, 1)]
    [TestCase(50, 2)]
    [TestCase(1000, 3)]
    [TestCase(40, 4)]
    public void TopKSelector_EqualsTheSortedVocabulary(int k, int seed)
    {
        // Seed 4 rounds the logits to 0.05 so thousands tie at the cut and ids must decide.
        var logits = RandomLogits(QwenVocabulary, seed, spread: 3f);
        if (seed == 4)
        {
            logits = logits.Select(l => MathF.Round(l * 20f) / 20f).ToArray();
        }

        var best = new LogitCandidate[k];

        var count = TopKSelector.Select(logits, k, best);

        count.Should().Be(k);
        best.Select(c => c.Id).Should().Equal(RankOrder(logits).Take(k));
    }

    [TestCase(1f, 0.9, 1)]
    [TestCase(1f, 0.5, 2)]
    [TestCase(0.7f, 0.95, 3)]
    [TestCase(2.5f, 0.9, 4)]
    [TestCase(0.2f, 0.3, 5)]
    [TestCase(1f, 0.9, 6)]
    public void NucleusSelector_EqualsTheSortedVocabulary(float temperature, double topP, int seed)
    {
        // Seed 6 rounds the logits to 0.05: ties everywhere, including at the cut.
        var logits = RandomLogits(QwenVocabulary, seed, spread: 3f);
        if (seed == 6)
        {
            logits = logits.Select(l => MathF.Round(l * 20f) / 20f).ToArray();
        }

        var (reference, slack) = ReferenceNucleus(logits, temperature, topP);
        var max = logits.Max();
        var scaled = logits.Select(l => (l - max) * (1f / temperature)).ToArray();
        var weights = scaled.Select(MathF.Exp).ToArray();
        var nucleus = new LogitCandidate[logits.Length];

        var count = NucleusSelector.Select(logits, scaled, weights, topP, new SamplerScratch(), nucleus);

        var kept = nucleus.Take(count).Select(c => c.Id).Order().ToList();
        var expected = RankOrder(logits).Take(reference).Order().ToList();
        if (slack)
        {
            // The reference's cumulative mass is within rounding of p at the cut: one token either way is right.
            Math.Abs(count - reference).Should().BeLessThanOrEqualTo(1);
            kept.Should().Equal(RankOrder(logits).Take(count).Order());
        }
        else
        {
            kept.Should().Equal(expected, $"the nucleus of p={topP} at T={temperature} holds {reference} tokens");
        }
    }

    [Test]
    public void Next_TopPWithoutTopK_OnlySamplesTheNucleus()
    {
        var logits = RandomLogits(QwenVocabulary, seed: 9, spread: 3f);
        var (size, _) = ReferenceNucleus(logits, 1f, 0.6);
        var allowed = RankOrder(logits).Take(size + 1).ToHashSet();
        var sampler = new TokenSampler(new SamplingOptions(1f, 0, 0.6f), new Random(5));

        Enumerable.Range(0, 300).Select(_ => sampler.Next(logits).Token).Should().OnlyContain(t => allowed.Contains(t));
    }

    /// <summary>The sampling distribution by its definition: rank, cut to top-k, softmax at T, cut to top-p, renormalise.</summary>
    private static double[] ReferenceDistribution(float[] logits, SamplingOptions options)
    {
        var order = RankOrder(logits).ToList();
        if (options.TopK > 0)
        {
            order = order.Take(options.TopK).ToList();
        }

        var top = logits[order[0]];
        var weights = order.Select(id => Math.Exp((logits[id] - top) / (double)options.Temperature)).ToList();
        var total = weights.Sum();
        var keep = order.Count;
        if (options.TopP < 1f)
        {
            double cumulative = 0;
            for (var i = 0; i < order.Count; i++)
            {
                cumulative += weights[i] / total;
                if (cumulative >= options.TopP)
                {
                    keep = i + 1;
                    break;
                }
            }
        }

        var kept = weights.Take(keep).Sum();
        var distribution = new double[logits.Length];
        for (var i = 0; i < keep; i++)
        {
            distribution[order[i]] = weights[i] / kept;
        }

        return distribution;
    }

    /// <summary>Size of the top-p nucleus by a full sort, and whether rounding could move the cut by one token.</summary>
    private static (int Size, bool Slack) ReferenceNucleus(float[] logits, float temperature, double topP)
    {
        var order = RankOrder(logits).ToList();
        var max = logits.Max();
        var weights = order.Select(id => Math.Exp((logits[id] - max) / (double)temperature)).ToList();
        var total = weights.Sum();
        double cumulative = 0;
        for (var i = 0; i < order.Count; i++)
        {
            var before = cumulative;
            cumulative += weights[i] / total;
            if (cumulative >= topP)
            {
                var slack = Math.Abs(cumulative - topP) < 1e-6 || Math.Abs(before - topP) < 1e-6;
                return (i + 1, slack);
            }
        }

        return (order.Count, true);
    }

    private static IEnumerable<int> RankOrder(float[] logits)
        => Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i);

    private static float[] RandomLogits(int count, int seed, float spread)
    {
        var random = new Random(seed);
        var logits = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box-Muller: normal logits, roughly the shape of a trained model's.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            logits[i] = (float)(normal * spread);
        }

        return logits;
    }
}
