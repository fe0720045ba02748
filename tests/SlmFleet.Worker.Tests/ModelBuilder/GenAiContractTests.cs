using Microsoft.ML.OnnxRuntimeGenAI;
using GenAiModel = Microsoft.ML.OnnxRuntimeGenAI.Model;
using SlmFleet.Worker.ModelBuilder;

namespace SlmFleet.Worker.Tests.ModelBuilder;

/// <summary>
/// ONNX Runtime GenAI 0.20.0, which no one here wrote, loads and greedily decodes what make-model writes: the
/// graph follows the official builder's contract (GroupQueryAttention with a shared past/present buffer,
/// attention_mask-only inputs, genai_config layout). Batched rows must equal solo runs: GenAI pads the
/// shorter prompts, so a wrong seqlens_k or mask handling in our graph would make rows differ.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class GenAiContractTests
{
    private const int NewTokens = 12;

    // min_length = max_length suppresses EOS, so every run produces exactly NewTokens plain argmax tokens.
    private const int Length = 64;

    private static readonly string[] Prompts =
    [
        "Hello",
        "The quick brown fox jumps over the lazy dog, and then",
        "def add(a, b):\n    return a + b",
    ];

    [TestCase("Fp32")]
    [TestCase("Int4")]
    [TestCase("Fp16")]
    public void GreedyDecode_BatchOfThree_RowsEqualSoloRuns(string precisionName)
    {
        var precision = Enum.Parse<ModelPrecision>(precisionName);
        using var model = new GenAiModel(GeneratedModels.Directory(precision));
        using var tokenizer = new Tokenizer(model);

        var solo = Prompts.Select(p => GenerateSolo(model, tokenizer, p)).ToArray();
        var batch = GenerateBatch(model, tokenizer, Prompts);

        solo.Should().AllSatisfy(tokens => tokens.Should().HaveCount(NewTokens));
        batch.Should().HaveCount(Prompts.Length);
        for (var i = 0; i < Prompts.Length; i++)
        {
            batch[i].Should().Equal(solo[i], $"row {i} ({Prompts[i]}) of the batch must decode as the prompt does alone");
        }

        // Random weights may still repeat one token; a graph that ignored its input would give every prompt the same output.
        solo.Select(t => string.Join(',', t)).Distinct().Should().HaveCountGreaterThan(1);
    }

    private static int[] GenerateSolo(GenAiModel model, Tokenizer tokenizer, string prompt)
    {
        using var parameters = Parameters(model, batchSize: 1);
        using var generator = new Generator(model, parameters);
        using var sequences = tokenizer.Encode(prompt);
        var promptLength = sequences[0].Length;
        generator.AppendTokenSequences(sequences);
        Step(generator);
        return generator.GetSequence(0).ToArray()[promptLength..];
    }

    private static List<int[]> GenerateBatch(GenAiModel model, Tokenizer tokenizer, string[] prompts)
    {
        using var parameters = Parameters(model, batchSize: prompts.Length);
        using var generator = new Generator(model, parameters);
        using var sequences = tokenizer.EncodeBatch(prompts);
        generator.AppendTokenSequences(sequences);
        Step(generator);

        // Rows hold the padded prompt, so take each row's last NewTokens tokens.
        return Enumerable.Range(0, prompts.Length)
            .Select(i => generator.GetSequence((ulong)i).ToArray()[^NewTokens..])
            .ToList();
    }

    private static GeneratorParams Parameters(GenAiModel model, int batchSize)
    {
        var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("batch_size", batchSize);
        parameters.SetSearchOption("max_length", Length);
        parameters.SetSearchOption("min_length", Length);
        parameters.SetSearchOption("do_sample", false);
        return parameters;
    }

    private static void Step(Generator generator)
    {
        for (var i = 0; i < NewTokens; i++)
        {
            generator.IsDone().Should().BeFalse();
            generator.GenerateNextToken();
        }
    }
}
