using System.Text.Json;
using SlmFleet.Testing;

namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>Runs tests/js-reference/chat-template.cjs (transformers.js apply_chat_template) on a batch of cases.</summary>
public static class ChatTemplateReference
{
    /// <summary>
    /// Fails when the reference is missing where it should be (under make, which sets SLM_JS_REFERENCE
    /// and installs it, or where .tools/js exists); ignores the test only outside make on a machine without it.
    /// </summary>
    public static void Require()
    {
        if (JsReference.Unavailable() is not { } reason)
        {
            return;
        }

        var underMake = Environment.GetEnvironmentVariable("SLM_JS_REFERENCE") is { Length: > 0 };
        var installedHere = Directory.Exists(Path.Combine(TestPaths.RepositoryRoot, ".tools", "js"));
        if (underMake || installedHere)
        {
            Assert.Fail(reason);
        }

        Assert.Ignore($"{reason} (run outside make with neither SLM_JS_REFERENCE nor .tools/js; `make test` installs it and fails without it)");
    }

    public static async Task<JsonElement> RunAsync(object request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var output = await JsReference.RunAsync("chat-template.cjs", JsonSerializer.Serialize(request), cancellationToken: timeout.Token);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }
}
