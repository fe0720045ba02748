using Microsoft.ML.OnnxRuntimeGenAI;

namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>ONNX Runtime GenAI 0.20.0 run in this process: greedy tokens for exact prompt ids, EOS suppressed.</summary>
public static class LiveReference
{
    public static int[] Greedy(string folder, IReadOnlyList<int> promptIds, int newTokens)
    {
        using var model = new Microsoft.ML.OnnxRuntimeGenAI.Model(folder);
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", promptIds.Count + newTokens);
        parameters.SetSearchOption("min_length", promptIds.Count + newTokens);
        using var generator = new Generator(model, parameters);
        generator.AppendTokens([.. promptIds]);
        var generated = new List<int>();
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
            generated.Add(generator.GetSequence(0)[^1]);
        }

        return [.. generated];
    }
}
