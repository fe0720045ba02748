using System.Text;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>Generates malformed chat requests: broken JSON, wrong types, invalid UTF-8, deep nesting, bad values (seeded, deterministic).</summary>
public static class BadRequestCorpus
{
    private const string Valid = """{"model":"fleet","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""";

    public static IEnumerable<(string Name, byte[] Body)> Generate(int seed)
    {
        var random = new Random(seed);
        var valid = Encoding.UTF8.GetBytes(Valid);

        // Every truncation of a valid body is broken JSON.
        for (var i = 0; i < valid.Length - 1; i += 1)
        {
            yield return ($"truncated-{i}", valid[..i]);
        }

        // Wrong types for each field the router reads.
        string[] wrongTypes = ["42", "true", "[1]", "{\"a\":1}", "\"text\"", "null", "-1", "1e99"];
        string[] fields = ["model", "messages", "max_tokens", "temperature", "top_p", "stream", "metadata", "response_format", "stop", "seed"];
        foreach (var field in fields)
        {
            foreach (var value in wrongTypes)
            {
                var body = $$"""{"model":"fleet","messages":[{"role":"user","content":"hi"}],"{{field}}":{{value}}}""";
                if (IsAcceptable(field, value))
                {
                    continue;
                }

                yield return ($"type-{field}-{value}", Encoding.UTF8.GetBytes(field is "model" or "messages" ? body.Replace($"\"{field}\":{(field == "model" ? "\"fleet\"" : "[{\"role\":\"user\",\"content\":\"hi\"}]")},", string.Empty, StringComparison.Ordinal) : body));
            }
        }

        // Invalid UTF-8 inside a string.
        for (var i = 0; i < 10; i++)
        {
            var bytes = new List<byte>(Encoding.UTF8.GetBytes("{\"model\":\"fleet\",\"messages\":[{\"role\":\"user\",\"content\":\""));
            bytes.Add((byte)(0xC0 + random.Next(0, 2)));
            bytes.Add((byte)random.Next(0, 0x40));
            bytes.AddRange(Encoding.UTF8.GetBytes("\"}]}"));
            yield return ($"utf8-{i}", bytes.ToArray());
        }

        // Deep nesting beyond the parser's limit.
        foreach (var depth in new[] { 100, 1000, 10000 })
        {
            yield return ($"deep-{depth}", Encoding.UTF8.GetBytes("{\"model\":\"fleet\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":" + new string('[', depth) + new string(']', depth) + "}"));
        }

        // Random byte flips in a valid body that break it.
        for (var i = 0; i < 30; i++)
        {
            var copy = (byte[])valid.Clone();
            copy[random.Next(copy.Length)] = (byte)"{}[]\",:"[random.Next(7)];
            if (!ParsesAsValid(copy))
            {
                yield return ($"flip-{i}", copy);
            }
        }

        // Out-of-range values and bad roles.
        string[] badValues = ["\"max_tokens\":0", "\"max_tokens\":-100", "\"max_tokens\":2147483648", "\"max_completion_tokens\":-1", "\"temperature\":-0.1", "\"temperature\":2.1", "\"temperature\":100", "\"top_p\":-1", "\"top_p\":1.01", "\"seed\":1.5", "\"stream\":\"yes\"", "\"stop\":[1]", "\"stop\":{}", "\"metadata\":{\"labels\":\"a\"}", "\"metadata\":{\"labels\":1}", "\"response_format\":\"json\"", "\"response_format\":{\"type\":1}", "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":[]}}"];
        foreach (var value in badValues)
        {
            yield return ($"value-{value}", Encoding.UTF8.GetBytes($$"""{"model":"fleet","messages":[{"role":"user","content":"hi"}],{{value}}}"""));
        }

        string[] badRoles = ["\"\"", "\"robot\"", "\"USER\"", "1", "[]", "{}", "true"];
        foreach (var role in badRoles)
        {
            yield return ($"role-{role}", Encoding.UTF8.GetBytes($$"""{"model":"fleet","messages":[{"role":"user","content":"ok"},{"role":{{role}},"content":"hi"}]}"""));
        }

        // Bad values.
        yield return ("empty-body", []);
        yield return ("empty-object", "{}"u8.ToArray());
        yield return ("role-missing", """{"model":"fleet","messages":[{"content":"hi"}]}"""u8.ToArray());
        yield return ("message-null", """{"model":"fleet","messages":[null]}"""u8.ToArray());
        yield return ("content-parts-bad", """{"model":"fleet","messages":[{"role":"user","content":[{"type":"video"}]}]}"""u8.ToArray());
        yield return ("stop-too-many", """{"model":"fleet","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]}"""u8.ToArray());
        yield return ("max-completion-zero", """{"model":"fleet","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":0}"""u8.ToArray());
        yield return ("top-p-high", """{"model":"fleet","messages":[{"role":"user","content":"hi"}],"top_p":1.5}"""u8.ToArray());
        yield return ("schema-missing", """{"model":"fleet","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema"}}"""u8.ToArray());
        yield return ("unknown-model-long", Encoding.UTF8.GetBytes($$"""{"model":"{{new string('m', 5000)}}","messages":[{"role":"user","content":"hi"}]}"""));
        yield return ("trailing-garbage", Encoding.UTF8.GetBytes(Valid + "garbage"));
        yield return ("two-objects", Encoding.UTF8.GetBytes(Valid + Valid));
        yield return ("bom-only", [0xEF, 0xBB, 0xBF]);
        yield return ("nul-bytes", [0, 0, 0, 0]);
    }

    private static bool IsAcceptable(string field, string value) => (field, value) switch
    {
        (_, "null") when field is not ("model" or "messages") => true,
        ("max_tokens" or "seed", "42") => true,
        ("temperature", "true" or "\"text\"" or "[1]" or "{\"a\":1}") => false,
        ("temperature" or "top_p", "42" or "-1" or "1e99") => false,
        ("stream", "true") => true,
        ("stop", "\"text\"") => true,
        ("seed", "-1") => true,
        _ => false,
    };

    private static bool ParsesAsValid(byte[] body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
