using SlmFleet.Worker.Constraints;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>
/// Decodes under a constraint with seeded random logits in place of a model: the scheduler's own
/// constrained sampling step (<see cref="ConstrainedSampler"/>), tokens detokenized by the real
/// tokenizer. A random model is the hardest case: it has no wish to write JSON at all.
/// </summary>
internal static class RandomLogitsRun
{
    private static readonly Dictionary<int, float[]> Banks = [];

    /// <summary>Mask times of every constrained step so far, in seconds (for the tests' report).</summary>
    public static List<double> MaskSeconds { get; } = [];

    public static (string Text, string FinishReason, int Tokens) Decode(TextTokenizer tokenizer, CompiledConstraint? compiled, int[] eosIds, int seed, int maxTokens, float temperature = 1f)
    {
        var random = new Random(seed);
        var sampler = new TokenSampler(new SamplingOptions(temperature, 0, 1f), new Random(seed + 1));
        var matcher = compiled is null ? null : new ConstraintMatcher(compiled);
        var size = compiled?.Vocabulary.Size ?? tokenizer.IdLimit;
        var logits = new float[size];
        var tokens = new List<int>();
        var finish = "length";
        while (tokens.Count < maxTokens)
        {
            // A random window of a fixed bank of Gaussian logits: random enough, and cheap at 152k.
            var bank = Bank(size);
            bank.AsSpan(random.Next(bank.Length - size), size).CopyTo(logits);

            int token;
            if (matcher is null)
            {
                token = sampler.Next(logits).Token;
            }
            else
            {
                token = ConstrainedSampler.Next(sampler, matcher, logits, maxTokens - tokens.Count - 1, eosIds, TimeProvider.System, out var maskSeconds);
                lock (MaskSeconds)
                {
                    MaskSeconds.Add(maskSeconds);
                }

                if (token < 0)
                {
                    finish = "error";
                    break;
                }
            }

            if (eosIds.Contains(token))
            {
                finish = "stop";
                break;
            }

            tokens.Add(token);
            if (matcher is not null)
            {
                matcher.Advance(token).Should().BeTrue("the sampled token {0} was allowed by the mask", token);
                if (matcher is { IsComplete: true, CanContinue: false })
                {
                    finish = "stop";
                    break;
                }
            }
        }

        return (tokenizer.Decode(tokens), finish, tokens.Count);
    }

    private static float[] Bank(int size)
    {
        lock (Banks)
        {
            if (!Banks.TryGetValue(size, out var bank))
            {
                var random = new Random(size);
                bank = new float[size * 4];
                for (var i = 0; i < bank.Length; i++)
                {
                    bank[i] = 3f * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                }

                Banks[size] = bank;
            }

            return bank;
        }
    }
}
