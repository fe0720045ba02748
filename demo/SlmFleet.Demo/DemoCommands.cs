using System.CommandLine;
using SlmFleet.Demo.Llm;
using SlmFleet.Demo.Policies;
using SlmFleet.Demo.Workload;

namespace SlmFleet.Demo;

/// <summary>The slm-demo command line: policy, llm, play (see scripts/run-local.sh, which runs all three).</summary>
internal static class DemoCommands
{
    public static RootCommand Build()
    {
        var root = new RootCommand("SLM Fleet demo: an LLM stand-in, the default routing policy and a mixed workload played through the router.");
        root.Subcommands.Add(Policy());
        root.Subcommands.Add(Llm());
        root.Subcommands.Add(Play());
        return root;
    }

    private static Command Policy()
    {
        var worker = UrlOption("--worker", "The worker's gRPC address, e.g. http://127.0.0.1:50051.", required: true);
        var llm = UrlOption("--llm", "The LLM's base URL up to /v1, e.g. http://127.0.0.1:8089/v1.", required: true);
        var output = new Option<string?>("--out") { Description = "File to write (default: standard output)." };
        var command = new Command("policy", "Write the demo's routing policy file for slm-router --policies.") { worker, llm, output };
        command.SetAction(async (result, cancellationToken) =>
        {
            var yaml = DemoPolicy.Yaml(result.GetValue(worker)!, result.GetValue(llm)!);
            if (result.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, yaml, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Console.Out.WriteAsync(yaml).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static Command Llm()
    {
        var listen = new Option<string>("--listen") { Description = "URL to listen on.", DefaultValueFactory = _ => "http://127.0.0.1:8089" };
        var latency = new Option<int>("--latency-ms") { Description = "Delay before each answer, like a hosted API's time to first token.", DefaultValueFactory = _ => 350 };
        var perToken = new Option<int>("--per-token-ms") { Description = "Delay per output token (per word when streaming).", DefaultValueFactory = _ => 8 };
        var command = new Command("llm", "Serve a local OpenAI-compatible stand-in for the LLM (no external calls).") { listen, latency, perToken };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(latency) is < 0 or > 60_000 || result.GetValue(perToken) is < 0 or > 10_000)
            {
                await Console.Error.WriteLineAsync("slm-demo llm: --latency-ms must be 0 to 60000 and --per-token-ms 0 to 10000").ConfigureAwait(false);
                return 2;
            }

            await using var server = await StandInLlm.StartAsync(
                result.GetValue(listen)!,
                TimeSpan.FromMilliseconds(result.GetValue(latency)),
                TimeSpan.FromMilliseconds(result.GetValue(perToken))).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"slm-demo llm: LLM stand-in on {server.BaseUrl}").ConfigureAwait(false);
            await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Play()
    {
        var router = UrlOption("--router", "The router's base URL, e.g. http://127.0.0.1:8080.", required: true);
        var metrics = UrlOption("--metrics", "The router's metrics URL, to show its own spend and savings counters beside the summary.", required: false);
        var once = new Option<bool>("--once") { Description = "Exit after the summary without the SDK instructions (non-interactive runs)." };
        var wait = new Option<int>("--wait-seconds") { Description = "How long to wait for the router and the worker to answer.", DefaultValueFactory = _ => 180 };
        var command = new Command("play", "Play the mixed workload through the router and print a row per request, then a summary.") { router, metrics, once, wait };
        command.SetAction(async (result, cancellationToken) =>
        {
            var baseUrl = result.GetValue(router)!;
            using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
            var output = Console.Out;
            try
            {
                await output.WriteLineAsync($"slm-demo: waiting for the router at {baseUrl} and its worker...").ConfigureAwait(false);
                await RouterReadiness.WaitAsync(http, DemoPolicy.ServedName, TimeSpan.FromSeconds(result.GetValue(wait)), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                await Console.Error.WriteLineAsync($"slm-demo play: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync(Intro).ConfigureAwait(false);
            var player = new WorkloadPlayer(http, output, color: !Console.IsOutputRedirected);
            var summary = new DemoSummary(await player.PlayAsync(DemoWorkload.Default(), cancellationToken).ConfigureAwait(false));
            summary.Write(output);
            if (result.GetValue(metrics) is { } metricsUrl)
            {
                var text = await http.GetStringAsync(metricsUrl, cancellationToken).ConfigureAwait(false);
                var model = ("model", DemoPolicy.Alias);
                await output.WriteLineAsync(
                    $"  router's own counters   slm_router_llm_spend_usd_total {ResultTable.Usd(PrometheusText.Sum(text, "slm_router_llm_spend_usd_total", model))}, "
                    + $"slm_router_savings_usd_total {ResultTable.Usd(PrometheusText.Sum(text, "slm_router_savings_usd_total", model))}").ConfigureAwait(false);
            }

            if (!result.GetValue(once))
            {
                SdkHints.Write(output, baseUrl, result.GetValue(metrics));
            }

            return summary.Failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>An absolute http(s) URL option; System.CommandLine has no built-in Uri parser.</summary>
    private static Option<Uri?> UrlOption(string name, string description, bool required) => new(name)
    {
        Description = description,
        Required = required,
        CustomParser = argument =>
        {
            var text = argument.Tokens.Count == 0 ? string.Empty : argument.Tokens[0].Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            argument.AddError($"{name}: '{text}' is not an absolute http(s) URL such as http://127.0.0.1:8080");
            return null;
        },
    };

    private const string Intro = """

        Playing a mixed workload through the router (model "fleet"). The SLM is a generated tiny model with
        random weights: the routing is real, its answers are not meant to be read. It scores labels, so
        classifications often stay on it; its free text is noise with low confidence, so generations escalate,
        as a weak model's would. The LLM is a local stand-in priced like GPT-4o; nothing leaves this machine.

        """;
}
