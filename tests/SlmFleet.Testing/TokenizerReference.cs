using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlmFleet.Testing;

/// <summary>
/// transformers.js (<c>@lenml/tokenizers</c>) on a real tokenizer, through tests/js-reference/tokenize.cjs:
/// one node process answers a whole corpus (encode with and without special tokens, decode with and
/// without skipping them, optionally timed).
/// </summary>
public static class TokenizerReference
{
    public const string Script = "tokenize.cjs";

    /// <summary>
    /// Writes an npm tokenizer package's tokenizer.json and tokenizer_config.json into a folder under
    /// &lt;repo&gt;/.run/tokenizers (once per package version) and returns the folder, so the C#
    /// tokenizer loads exactly the files the reference loads.
    /// </summary>
    public static async Task<string> ExportPackageAsync(string package, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(TestPaths.RepositoryRoot, ".run", "tokenizers", package.Replace('/', '_').TrimStart('@'));
        var installed = Path.Combine(JsReference.Modules, package, "package.json");
        var stamp = Path.Combine(directory, ".source");
        var source = File.Exists(installed) ? File.GetLastWriteTimeUtc(installed).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "missing";
        if (File.Exists(stamp) && await File.ReadAllTextAsync(stamp, cancellationToken) == source && File.Exists(Path.Combine(directory, "tokenizer.json")))
        {
            return directory;
        }

        var request = new JsonObject { ["package"] = package, ["export"] = directory };
        await JsReference.RunAsync(Script, request.ToJsonString(), cancellationToken: cancellationToken);
        await File.WriteAllTextAsync(stamp, source, cancellationToken);
        return directory;
    }

    /// <summary>Encodes <paramref name="texts"/> and decodes <paramref name="idsToDecode"/> with the tokenizer in <paramref name="directory"/>.</summary>
    public static async Task<ReferenceAnswer> RunAsync(string directory, IReadOnlyList<string> texts, IReadOnlyList<IReadOnlyList<int>> idsToDecode, double? benchSeconds = null, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject
        {
            ["directory"] = directory,
            ["texts"] = new JsonArray([.. texts.Select(t => (JsonNode)JsonValue.Create(t))]),
            ["decode"] = new JsonArray([.. idsToDecode.Select(ids => (JsonNode)new JsonArray([.. ids.Select(id => (JsonNode)JsonValue.Create(id))]))]),
        };
        if (benchSeconds is { } seconds)
        {
            request["bench"] = new JsonObject { ["seconds"] = seconds };
        }

        var output = await JsReference.RunAsync(Script, request.ToJsonString(), cancellationToken: cancellationToken);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        return new ReferenceAnswer(
            root.GetProperty("version").GetString()!,
            root.GetProperty("tokenizer_class").GetString()!,
            Ids(root.GetProperty("with_special")),
            Ids(root.GetProperty("without_special")),
            [.. root.GetProperty("decoded_skip").EnumerateArray().Select(e => e.GetString()!)],
            [.. root.GetProperty("decoded_keep").EnumerateArray().Select(e => e.GetString()!)],
            root.TryGetProperty("bench", out var bench) ? new ReferenceTimings(SecondsPerPass(bench, "encode"), SecondsPerPass(bench, "decode")) : null);
    }

    private static List<int[]> Ids(JsonElement array) => [.. array.EnumerateArray().Select(ids => ids.EnumerateArray().Select(e => e.GetInt32()).ToArray())];

    private static double SecondsPerPass(JsonElement bench, string name) => bench.GetProperty(name).GetProperty("seconds_per_pass").GetDouble();
}
