using SlmFleet.Worker.ModelBuilder;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// The folder the benchmark serves: <c>--model-dir</c> as it is, or a preset written by the worker's
/// model builder under &lt;repo&gt;/.models/&lt;preset&gt;-seed&lt;seed&gt;, reused when a previous run
/// finished writing it (a marker file is written last, so an interrupted write is redone).
/// </summary>
internal static class ModelSource
{
    private const string CompleteMarker = ".bench-complete";

    /// <summary>Quick runs use this builder export when no folder is named (tiny, GQA, int4: what the real model looks like).</summary>
    private static readonly string[] FixtureCandidates = ["../shared/fixtures/models/qwen2-gqa-int4", "../../shared/fixtures/models/qwen2-gqa-int4"];

    public static BenchModel Resolve(string repositoryRoot, BenchOptions options)
    {
        if (options.ModelDirectory is { } given)
        {
            if (!File.Exists(Path.Combine(given, "genai_config.json")))
            {
                throw new ArgumentException($"--model-dir: \"{given}\" has no genai_config.json; pass a model folder in the ONNX Runtime GenAI layout");
            }

            return BenchModel.Load(given, Path.GetFileName(given.TrimEnd('/')));
        }

        if (options.Quick && FixtureCandidates.Select(c => Path.GetFullPath(Path.Combine(repositoryRoot, c))).FirstOrDefault(Directory.Exists) is { } fixture)
        {
            return BenchModel.Load(fixture, Path.GetFileName(fixture));
        }

        var presetName = options.Quick && options.Preset == BenchOptions.DefaultPreset ? "tiny" : options.Preset;
        var preset = ModelPreset.Find(presetName)
            ?? throw new ArgumentException($"--preset: \"{presetName}\" is not a preset ModelPreset.Find knows (tiny and small are; {BenchOptions.DefaultPreset} comes with the int4 builder); or pass --model-dir DIR");
        var directory = Path.Combine(repositoryRoot, ".models", $"{presetName}-seed{options.Seed}");
        if (!File.Exists(Path.Combine(directory, CompleteMarker)))
        {
            Console.WriteLine($"writing the {presetName} model (seed {options.Seed}) to {directory} ...");
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            ModelFolderWriter.Write(directory, preset, options.Seed);
            File.WriteAllText(Path.Combine(directory, CompleteMarker), string.Empty);
        }

        return BenchModel.Load(directory, $"{presetName} (seed {options.Seed})");
    }
}
