using System.CommandLine;
using System.Net;
using Spectre.Console;
using SlmFleet.Worker.Fetch;
using SlmFleet.Worker.Hosting;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.ModelBuilder;

namespace SlmFleet.Worker.Cli;

/// <summary>The slm-worker command line: serve, make-model, fetch-model.</summary>
internal static class CliCommands
{
    public static RootCommand Build()
    {
        var root = new RootCommand("SLM Fleet inference worker: serves an ONNX Runtime GenAI model folder over gRPC.");
        root.Subcommands.Add(Serve());
        root.Subcommands.Add(MakeModel());
        root.Subcommands.Add(FetchModel());
        return root;
    }

    private static Command Serve()
    {
        var model = new Option<string>("--model") { Description = "Model folder (genai_config.json, model.onnx, tokenizer files).", Required = true };
        var port = new Option<int>("--port") { Description = "gRPC port (0 = any free port).", DefaultValueFactory = _ => 50051 };
        var metricsPort = new Option<int>("--metrics-port") { Description = "Prometheus /metrics port.", DefaultValueFactory = _ => 9090 };
        var listen = new Option<string>("--listen") { Description = "Address to bind.", DefaultValueFactory = _ => "0.0.0.0" };
        var warmup = new Option<string[]>("--warmup-prompt") { Description = "Prompt run before reporting SERVING (repeatable).", AllowMultipleArgumentsPerToken = false };
        var maxQueue = new Option<int>("--max-queue") { Description = "Requests that may wait; more get RESOURCE_EXHAUSTED.", DefaultValueFactory = _ => 64 };
        var maxBatch = new Option<int>("--max-batch") { Description = "Sequences decoded together per step.", DefaultValueFactory = _ => 16 };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Default when a request sends 0.", DefaultValueFactory = _ => 128 };
        var template = new Option<string?>("--chat-template")
        {
            Description = "Replaces the model's own chat template: chatml, phi3, llama3, a Jinja chat template, or a one-message format with {role} and {content} "
                + "(default: the model's chat_template.jinja or tokenizer_config.json chat_template, else chatml).",
        };
        var served = new Option<string?>("--served-name") { Description = "Model name reported in Stats (default: the folder name)." };
        var threads = new Option<int>("--intra-op-threads") { Description = "ONNX Runtime threads per operator (0 = the CPUs this container may use).", DefaultValueFactory = _ => 0 };
        var provider = new Option<ExecutionProviderChoice>("--execution-provider") { Description = "cuda, cpu or auto (try CUDA, fall back to CPU).", DefaultValueFactory = _ => ExecutionProviderChoice.Auto };
        var prefillChunk = new Option<int>("--prefill-chunk") { Description = "Most prompt tokens prefilled in one step between decode steps.", DefaultValueFactory = _ => 256 };
        var maxSequence = new Option<int>("--max-sequence-length") { Description = "Prompt + output limit per sequence; sizes each KV slot (0 = genai_config search.max_length).", DefaultValueFactory = _ => 0 };
        var drain = new Option<int>("--drain-seconds")
        {
            Description = "On SIGTERM, how long running requests may finish while new ones are refused (keep it below terminationGracePeriodSeconds).",
            DefaultValueFactory = _ => 20,
        };
        var deviceId = new Option<int>("--device-id") { Description = "CUDA device ordinal (-1 = genai_config provider_options cuda device_id, else 0).", DefaultValueFactory = _ => -1 };
        var command = new Command("serve", "Load a model, warm it up and serve gRPC + /metrics.")
        {
            model, port, metricsPort, listen, warmup, maxQueue, maxBatch, maxNew, template, served, provider, threads, prefillChunk, maxSequence, deviceId, drain,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var problems = new List<string>();
            CheckRange(problems, "--max-queue", result.GetValue(maxQueue), 1, 100_000);
            CheckRange(problems, "--max-batch", result.GetValue(maxBatch), 1, 1024);
            CheckRange(problems, "--max-new-tokens", result.GetValue(maxNew), 1, 1_000_000);
            CheckRange(problems, "--port", result.GetValue(port), 0, 65535);
            CheckRange(problems, "--intra-op-threads", result.GetValue(threads), 0, 1024);
            CheckRange(problems, "--metrics-port", result.GetValue(metricsPort), 0, 65535);
            CheckRange(problems, "--prefill-chunk", result.GetValue(prefillChunk), 1, 1_000_000);
            CheckRange(problems, "--max-sequence-length", result.GetValue(maxSequence), 0, 10_000_000);
            CheckRange(problems, "--device-id", result.GetValue(deviceId), -1, 1024);
            CheckRange(problems, "--drain-seconds", result.GetValue(drain), 0, 3600);
            if (!IPAddress.TryParse(result.GetValue(listen), out var address))
            {
                problems.Add($"--listen: \"{result.GetValue(listen)}\" is not an IP address");
            }

            if (problems.Count > 0)
            {
                problems.ForEach(p => Console.Error.WriteLine($"slm-worker serve: {p}"));
                return 2;
            }

            var prompts = result.GetValue(warmup) is { Length: > 0 } given ? given : ["Hello, how are you?"];
            var options = new WorkerOptions
            {
                ModelDirectory = result.GetValue(model)!,
                ListenAddress = address!,
                Port = result.GetValue(port),
                MetricsPort = result.GetValue(metricsPort),
                WarmupPrompts = prompts,
                MaxQueue = result.GetValue(maxQueue),
                MaxBatch = result.GetValue(maxBatch),
                DefaultMaxNewTokens = result.GetValue(maxNew),
                ChatTemplate = result.GetValue(template),
                ServedName = result.GetValue(served),
                ExecutionProvider = result.GetValue(provider),
                IntraOpThreads = result.GetValue(threads),
                PrefillChunk = result.GetValue(prefillChunk),
                MaxSequenceLength = result.GetValue(maxSequence),
                DeviceId = result.GetValue(deviceId),
                DrainTimeout = TimeSpan.FromSeconds(result.GetValue(drain)),
            };
            try
            {
                await using var host = await WorkerHost.StartAsync(options, cancellationToken);
                await host.WaitForShutdownAsync(cancellationToken);
                return 0;
            }
            catch (Exception ex) when (ex is ModelLoadException or ArgumentException)
            {
                Console.Error.WriteLine($"slm-worker serve: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command MakeModel()
    {
        var output = new Option<string>("--out") { Description = "Folder to write.", Required = true };
        var preset = new Option<string>("--preset")
        {
            Description = "tiny (≤ 5 MB, tests), small (≈ 110 MB fp32, benchmarks) or qwen2.5-0.5b (Qwen2.5-0.5B's shape, ≈ 400 MB int4).",
            DefaultValueFactory = _ => "tiny",
        };
        var precision = new Option<string?>("--precision") { Description = "fp32, fp16 or int4 (default: the preset's; fp32 for tiny and small, int4 for qwen2.5-0.5b)." };
        var seed = new Option<int>("--seed") { Description = "Weight seed; same seed, same bytes.", DefaultValueFactory = _ => 42 };
        var command = new Command("make-model", "Write a seeded Qwen2-style decoder as the onnxruntime-genai model builder exports it.") { output, preset, precision, seed };
        command.SetAction(result =>
        {
            var chosen = ModelPreset.Find(result.GetValue(preset)!);
            if (chosen is null)
            {
                var accepted = string.Join(", ", ModelPreset.All.Select(p => p.Name));
                Console.Error.WriteLine($"slm-worker make-model: --preset \"{result.GetValue(preset)}\" is unknown; accepted: {accepted}");
                return 2;
            }

            var precisionText = result.GetValue(precision);
            var chosenPrecision = chosen.DefaultPrecision;
            if (precisionText is not null && !TryParsePrecision(precisionText, out chosenPrecision))
            {
                Console.Error.WriteLine($"slm-worker make-model: --precision \"{precisionText}\" is unknown; accepted: fp32, fp16, int4");
                return 2;
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var bytes = ModelFolderWriter.Write(result.GetValue(output)!, chosen, result.GetValue(seed), chosenPrecision);
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine($"wrote {chosen.Name} {chosenPrecision.ToString().ToLowerInvariant()} model to {result.GetValue(output)} ({bytes / 1e6:F1} MB of weights, {seconds:F1} s)");
            return 0;
        });
        return command;
    }

    private static bool TryParsePrecision(string text, out ModelPrecision precision)
    {
        // Enum.TryParse would also take "1" or "Fp32, Int4"; accept only the three names.
        precision = text.ToUpperInvariant() switch
        {
            "FP32" => ModelPrecision.Fp32,
            "FP16" => ModelPrecision.Fp16,
            "INT4" => ModelPrecision.Int4,
            _ => (ModelPrecision)(-1),
        };
        return Enum.IsDefined(precision);
    }

    private static Command FetchModel()
    {
        var source = new Option<string>("--source") { Description = "hf://org/repo[/subdir], https://…/file[#sha256=…] or file:///path.", Required = true };
        var destination = new Option<string>("--dest") { Description = "Destination folder.", Required = true };
        var tokenFile = new Option<string?>("--token-file") { Description = "File holding the access token (default: the HF_TOKEN environment variable)." };
        var revision = new Option<string>("--revision") { Description = "Hub revision for hf:// sources.", DefaultValueFactory = _ => "main" };
        var hubUrl = new Option<string?>("--hub-url") { Description = "Base URL for hf:// (default: HF_ENDPOINT or https://huggingface.co)." };
        var command = new Command("fetch-model", "Download a model folder, resumably, with checksums.") { source, destination, tokenFile, revision, hubUrl };
        command.SetAction(async (result, cancellationToken) =>
        {
            string? token;
            try
            {
                token = result.GetValue(tokenFile) is { } path ? (await File.ReadAllTextAsync(path, cancellationToken)).Trim() : Environment.GetEnvironmentVariable("HF_TOKEN");
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"slm-worker fetch-model: --token-file: cannot read {result.GetValue(tokenFile)} ({ex.GetType().Name})");
                return 2;
            }

            var hub = result.GetValue(hubUrl) ?? Environment.GetEnvironmentVariable("HF_ENDPOINT");
            var options = new FetchOptions
            {
                Token = string.IsNullOrWhiteSpace(token) ? null : token,
                Revision = result.GetValue(revision)!,
                HubUrl = hub is null ? FetchOptions.DefaultHubUrl : new Uri(hub.TrimEnd('/') + "/"),
            };
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            try
            {
                await AnsiConsole.Progress().StartAsync(async context =>
                {
                    var fetcher = new ModelFetcher(http, options, new SpectreProgress(context));
                    await fetcher.FetchAsync(result.GetValue(source)!, result.GetValue(destination)!, cancellationToken);
                });
                return 0;
            }
            catch (FetchException ex)
            {
                Console.Error.WriteLine($"slm-worker fetch-model: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static void CheckRange(List<string> problems, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            problems.Add($"{name}: {value} is out of range; accepted: {min} to {max}");
        }
    }
}
