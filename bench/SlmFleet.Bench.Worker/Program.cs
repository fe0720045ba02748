using SlmFleet.Bench.Worker;

// Worker benchmark: the worker (its own process, over gRPC) against ONNX Runtime GenAI 0.20.0 on the
// same model in the same run. `-- --quick` is a smoke run on the shared fixture model; `-- overload`
// runs only the overload phases; `-- tokenizers` only the tokenizer throughput table (TokenizerBenchmark);
// `-- constrained` only the constrained-decoding numbers (ConstrainedBenchmark).
// See WorkerBenchmark for the phases and BenchOptions for the flags.
if (args is ["tokenizers", .. var only])
{
    // Names after "tokenizers" pick families (substring match) for a look; a full run writes the results.
    var results = only.Length == 0 ? Path.Combine(FindRepositoryRoot(), "bench", "results") : Path.Combine(FindRepositoryRoot(), ".run", "bench-tokenizers");
    return await TokenizerBenchmark.RunAsync(FindRepositoryRoot(), results, only);
}

if (args is ["constrained", .. var constrainedArgs])
{
    return await ConstrainedBenchmark.RunAsync(FindRepositoryRoot(), Path.Combine(FindRepositoryRoot(), "bench", "results"), constrainedArgs);
}

var options = BenchOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

var root = FindRepositoryRoot();
// A quick run is a smoke test: it must not overwrite the published results.
var resultsDirectory = options.Quick ? Path.Combine(root, ".run", "bench-quick") : Path.Combine(root, "bench", "results");
BenchModel model;
try
{
    model = ModelSource.Resolve(root, options);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

Console.WriteLine($"model: {model.Name} in {model.Directory}");
if (options.Overload)
{
    await WorkerOverload.RunAsync(resultsDirectory, model.Directory);
    return 0;
}

var report = await new WorkerBenchmark(options, model).RunAsync();
ResultWriter.Write(resultsDirectory, report);
if (options.RunOverloadAfter)
{
    await WorkerOverload.RunAsync(resultsDirectory, model.Directory);
}

return 0;

static string FindRepositoryRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Operator.sln")))
            {
                return directory.FullName;
            }
        }
    }

    throw new InvalidOperationException("Operator.sln not found above the working directory");
}
