using System.Diagnostics;
using System.Text;

namespace SlmFleet.Testing;

/// <summary>
/// Runs the node reference (transformers.js's tokenizer fork <c>@lenml/tokenizers</c> and the real
/// tokenizer packages, installed by <c>make tools</c> under <c>.tools/js</c>) on a script from
/// <c>tests/js-reference/</c>. Scripts are CommonJS and load packages through the
/// <c>SLM_JS_MODULES</c> environment variable, because node resolves modules from the script's own
/// folder, not from the installed tree.
/// </summary>
public static class JsReference
{
    /// <summary>The install folder: $SLM_JS_REFERENCE (set by the Makefile) or &lt;repo&gt;/.tools/js.</summary>
    public static string Directory { get; } = Environment.GetEnvironmentVariable("SLM_JS_REFERENCE") is { Length: > 0 } configured
        ? configured
        : Path.Combine(TestPaths.RepositoryRoot, ".tools", "js");

    public static string Modules => Path.Combine(Directory, "node_modules");

    /// <summary>Null when the reference can run; otherwise why not (the caller fails or ignores with it).</summary>
    public static string? Unavailable()
        => System.IO.Directory.Exists(Path.Combine(Modules, "@lenml", "tokenizers"))
            ? null
            : $"the node reference is not installed in {Directory}: run `make tools`";

    /// <summary>The path of a script in tests/js-reference/.</summary>
    public static string Script(string name) => Path.Combine(TestPaths.RepositoryRoot, "tests", "js-reference", name);

    /// <summary>
    /// Runs <c>node script args</c> with <paramref name="stdin"/> on its standard input and returns its
    /// standard output; a non-zero exit throws with its standard error.
    /// </summary>
    public static async Task<string> RunAsync(string script, string stdin, IEnumerable<string>? args = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Script(script));
        foreach (var arg in args ?? [])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SLM_JS_MODULES"] = Modules;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {process.ExitCode}: {await error}");
        }

        return await output;
    }
}
