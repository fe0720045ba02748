using System.Diagnostics;
using SlmFleet.Worker.Constraints;
using SlmFleet.Worker.Tests.Infrastructure;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Tests.Constraints;

/// <summary>
/// Every schema of <see cref="SchemaCorpus"/>, several seeds, decoded with random logits against the
/// fixtures' real tokenizers; JsonSchema.Net judges each output. Free decoding of the same logits is
/// the baseline (almost never valid JSON).
/// </summary>
[TestFixture]
public sealed class ConstrainedSamplingTests
{
    private static readonly Dictionary<string, (TextTokenizer Tokenizer, ConstraintCompiler Compiler, int[] Eos)> Loaded = [];

    internal static (TextTokenizer Tokenizer, ConstraintCompiler Compiler, int[] Eos) Fixture(string name, params int[] eos)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(name, out var loaded))
            {
                var tokenizer = TokenizerLoader.Load(FixtureModels.Folder(name));
                var vocabulary = new TokenVocabulary(tokenizer, tokenizer.IdLimit);
                loaded = (tokenizer, new ConstraintCompiler(() => vocabulary, capacity: 256), eos);
                Loaded[name] = loaded;
            }

            return loaded;
        }
    }

    [TestCase("qwen2-gqa-fp32", new[] { 3999, 3997 }, 3)]
    [TestCase("llama-sentencepiece-32k-fp32", new[] { 2 }, 2)]
    [TestCase("qwen2-bytelevel-152k-fp32", new[] { 151645, 151643 }, 1)]
    public void Corpus_RandomLogits_EveryConstrainedOutputValidates(string fixture, int[] eos, int seeds)
    {
        var (tokenizer, compiler, eosIds) = Fixture(fixture, eos);
        var failures = new List<string>();
        var freeValid = 0;
        var runs = 0;
        var clock = Stopwatch.StartNew();
        RandomLogitsRun.MaskSeconds.Clear();
        var compileTimes = new List<(string Name, double Ms, int States)>();
        var worstMasks = new List<(string Name, double Us)>();
        foreach (var (name, schema) in SchemaCorpus.All)
        {
            var compileClock = Stopwatch.StartNew();
            var compiled = compiler.Compile(new ConstraintSpec("json_schema", schema));
            compileTimes.Add((name, compileClock.Elapsed.TotalMilliseconds, compiled.Grammar.StateCount));
            var firstMask = RandomLogitsRun.MaskSeconds.Count;
            for (var seed = 1; seed <= seeds; seed++)
            {
                runs++;
                var (text, finish, _) = RandomLogitsRun.Decode(tokenizer, compiled, eosIds, seed, maxTokens: 48);
                if (finish != "stop" || SchemaOracle.Check(schema, text) is { } why)
                {
                    failures.Add($"{name} seed {seed} ({finish}): {text} -> {SchemaOracle.Check(schema, text)}");
                }

                var free = RandomLogitsRun.Decode(tokenizer, null, eosIds, seed, maxTokens: 48).Text;
                freeValid += SchemaOracle.Check(schema, free) is null ? 1 : 0;
            }

            worstMasks.Add((name, RandomLogitsRun.MaskSeconds.Skip(firstMask).DefaultIfEmpty(0).Max() * 1e6));
        }

        TestContext.Out.WriteLine($"{fixture}: {runs} runs over {SchemaCorpus.All.Count} schemas in {clock.Elapsed.TotalSeconds:F1} s; constrained valid {runs - failures.Count}/{runs}, unconstrained valid {freeValid}/{runs}");
        var masks = RandomLogitsRun.MaskSeconds.Order().ToList();
        TestContext.Out.WriteLine($"mask per token: p50 {masks[masks.Count / 2] * 1e6:F0} us, p99 {masks[masks.Count * 99 / 100] * 1e6:F0} us over {masks.Count} tokens");
        TestContext.Out.WriteLine("slowest masks: " + string.Join(", ", worstMasks.OrderByDescending(c => c.Us).Take(8).Select(c => $"{c.Name} {c.Us:F0} us")));
        TestContext.Out.WriteLine("slowest compiles: " + string.Join(", ", compileTimes.OrderByDescending(c => c.Ms).Take(6).Select(c => $"{c.Name} {c.Ms:F0} ms ({c.States} states)")));
        failures.Should().BeEmpty();
        freeValid.Should().BeLessThan(runs / 10, "free decoding of random logits is gibberish");
    }

    [Test]
    public void Corpus_HasFiftySchemas() => SchemaCorpus.All.Should().HaveCountGreaterThanOrEqualTo(50);

    [TestCase("choice")]
    [TestCase("regex")]
    public void ChoiceAndRegex_RandomLogits_OutputMatches(string kind)
    {
        var (tokenizer, compiler, eos) = Fixture("qwen2-gqa-fp32", 3999, 3997);
        string[] options = ["billing", "technical support", "account", "ünïcode"];
        var spec = kind == "choice" ? new ConstraintSpec("choice", string.Join('\0', options)) : new ConstraintSpec("regex", @"[A-Z][a-z]{2,5} (is|was) [0-9]{1,3}\.");
        var compiled = compiler.Compile(spec);
        for (var seed = 1; seed <= 10; seed++)
        {
            var (text, finish, _) = RandomLogitsRun.Decode(tokenizer, compiled, eos, seed, maxTokens: 24);

            finish.Should().Be("stop");
            if (kind == "choice")
            {
                options.Should().Contain(text);
            }
            else
            {
                text.Should().MatchRegex(@"^[A-Z][a-z]{2,5} (is|was) [0-9]{1,3}\.$");
            }
        }
    }

    [Test]
    public void TightBudget_AnswerStillCompletes()
    {
        var (tokenizer, compiler, eos) = Fixture("qwen2-gqa-fp32", 3999, 3997);
        var schema = SchemaCorpus.All.Single(s => s.Name == "order").Schema;
        var compiled = compiler.Compile(new ConstraintSpec("json_schema", schema));
        var shortest = new ConstraintMatcher(compiled).Distance;
        for (var seed = 1; seed <= 5; seed++)
        {
            // One token per byte of the shortest answer: no room for anything else.
            var (text, finish, tokens) = RandomLogitsRun.Decode(tokenizer, compiled, eos, seed, maxTokens: shortest);

            finish.Should().Be("stop");
            tokens.Should().BeLessThanOrEqualTo(shortest);
            SchemaOracle.Check(schema, text).Should().BeNull(text);
        }
    }
}
