using System.Text;
using System.Text.Json.Nodes;

namespace SlmFleet.Router.Tests.Reliability;

/// <summary>
/// The bad-input corpus for the router, generated deterministically (no randomness): broken JSON,
/// a wrong type for every field the router reads, out-of-range values, invalid UTF-8, deep nesting,
/// oversized bodies, bad classification labels, auth and header abuse. Every entry must get a 4xx.
/// </summary>
public static class BadRequestCorpus
{
    public const string Chat = "/v1/chat/completions";
    public const string Completions = "/v1/completions";

    /// <summary>Valid chat body for <paramref name="model"/>: one user message, max_tokens 8.</summary>
    public static JsonObject ValidChat(string model) => new()
    {
        ["model"] = model,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }),
        ["max_tokens"] = 8,
    };

    /// <summary>Builds the corpus against a router whose body limit is <paramref name="maxBodyBytes"/> and whose served alias is <paramref name="model"/>.</summary>
    public static IReadOnlyList<BadRequest> Build(string model, long maxBodyBytes)
    {
        var all = new List<BadRequest>();
        void Raw(string name, string body, string expect, string path = Chat) =>
            all.Add(new BadRequest(name, path, Encoding.UTF8.GetBytes(body), "application/json", [], expect));
        void Bytes(string name, byte[] body, string expect) =>
            all.Add(new BadRequest(name, Chat, body, "application/json", [], expect));
        void Mutated(string name, string field, string? rawValue, string expect, int? status = null, string path = Chat)
        {
            var body = ValidChat(model);
            if (path == Completions)
            {
                body.Remove("messages");
                body["prompt"] = "hello";
            }

            Set(body, field, rawValue);
            all.Add(new BadRequest(name, path, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json", [], expect) { Status = status });
        }

        var valid = ValidChat(model).ToJsonString();

        // 1. Broken JSON.
        Raw("empty body", "", "JSON");
        Raw("whitespace only", "   \n\t ", "JSON");
        Raw("null literal", "null", "null");
        Raw("array root", "[]", "JSON");
        Raw("string root", "\"hello\"", "JSON");
        Raw("number root", "42", "JSON");
        Raw("true root", "true", "JSON");
        for (var cut = 1; cut < valid.Length; cut += Math.Max(1, valid.Length / 24))
        {
            Raw($"truncated at {cut}", valid[..cut], "valid"); // "not valid JSON" or "Field 'x' is invalid"
        }

        Raw("trailing garbage", valid + "xyz", "JSON");
        Raw("two objects", valid + valid, "JSON");
        Raw("trailing comma", valid[..^1] + ",}", "JSON");
        Raw("single quotes", valid.Replace('"', '\''), "JSON");
        Raw("comment", "/* c */" + valid, "JSON");
        Raw("unquoted keys", $"{{model:\"{model}\"}}", "JSON");
        Raw("NaN literal", valid[..^1] + ",\"temperature\":NaN}", "temperature");
        Raw("Infinity literal", valid[..^1] + ",\"top_p\":Infinity}", "top_p");
        Raw("bad escape", $"{{\"model\":\"{model}\\q\"}}", "model");
        Raw("unterminated string", "{\"model\":\"abc", "model");
        Raw("control char in string", $"{{\"model\":\"{model}\u0001\"}}", "model");
        Raw("duplicate colon", "{\"model\"::\"x\"}", "model");
        Raw("missing value", "{\"model\":}", "model");
        Raw("lone surrogate escape", valid.Replace("hello", "\\ud800", StringComparison.Ordinal), "content");
        Raw("form encoded body", "model=x&messages=hello", "JSON");
        all.Add(new BadRequest("form content type", Chat, Encoding.UTF8.GetBytes("model=x&messages=hi"), "application/x-www-form-urlencoded", [], "JSON"));
        all.Add(new BadRequest("text/plain garbage", Chat, Encoding.UTF8.GetBytes("hello router"), "text/plain", [], "JSON"));
        all.Add(new BadRequest("no content type, garbage", Chat, Encoding.UTF8.GetBytes("<xml/>"), null, [], "JSON"));
        all.Add(new BadRequest("multipart", Chat, Encoding.UTF8.GetBytes("--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nx\r\n--b--"), "multipart/form-data; boundary=b", [], "JSON"));

        // 2. Invalid UTF-8 (raw bytes inside string values and outside them).
        foreach (var (label, bad) in new (string, byte[])[]
                 {
                     ("lone continuation", [0x80]), ("truncated 2-byte", [0xC3]), ("overlong slash", [0xC0, 0xAF]),
                     ("surrogate half", [0xED, 0xA0, 0x80]), ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]), ("0xFF byte", [0xFF]),
                 })
        {
            Bytes($"invalid UTF-8 in content ({label})", Splice(valid, "hello", bad), "content");
            Bytes($"invalid UTF-8 in model ({label})", Splice(valid, model, bad), "model");
            Bytes($"invalid UTF-8 in role ({label})", Splice(valid, "user", bad), "role");
        }

        Bytes("invalid UTF-8 outside strings", [.. Encoding.UTF8.GetBytes("{\"model\":"), 0xFE, .. Encoding.UTF8.GetBytes("}")], "model");

        // 3. Deep nesting.
        foreach (var depth in new[] { 65, 1_000, 10_000 })
        {
            Raw($"arrays nested {depth} deep at the root", new string('[', depth) + new string(']', depth), "JSON");
            Raw($"arrays nested {depth} deep in stop", valid[..^1] + ",\"stop\":" + new string('[', depth) + new string(']', depth) + "}", "depth");
            Raw($"objects nested {depth} deep in content", valid.Replace("\"hello\"", string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth), StringComparison.Ordinal), "content");
            Raw($"arrays nested {depth} deep in metadata", valid[..^1] + ",\"metadata\":" + new string('[', depth) + new string(']', depth) + "}", "metadata");
        }

        // 4. A wrong type for every field the router reads.
        var wrongTypes = new Dictionary<string, string[]>
        {
            ["model"] = ["1", "true", "[]", "{}", "[\"a\"]"],
            ["messages"] = ["\"hello\"", "1", "true", "{}", "[\"hello\"]", "[1]", "[[]]"],
            ["messages[0].role"] = ["1", "true", "[]", "{}"],
            ["messages[0].content"] = ["1", "true", "{}", "[1]", "[\"text\"]", "[{\"type\":\"video\",\"video\":{\"url\":\"x\"}}]", "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}},{\"type\":\"text\",\"text\":1}]", "[{\"type\":\"text\"}]", "[{\"type\":\"text\",\"text\":1}]"],
            ["stream"] = ["\"yes\"", "1", "[]", "{}"],
            ["stream_options"] = ["\"on\"", "1", "true", "[]"],
            ["stream_options.include_usage"] = ["\"yes\"", "1", "{}"],
            ["max_tokens"] = ["\"8\"", "8.5", "true", "[]", "{}", "1e30", "9999999999"],
            ["max_completion_tokens"] = ["\"8\"", "8.5", "true", "[]", "{}", "9999999999"],
            ["temperature"] = ["\"hot\"", "true", "[]", "{}"],
            ["top_p"] = ["\"all\"", "true", "[]", "{}"],
            ["seed"] = ["\"x\"", "1.5", "true", "[]", "1e40"],
            ["stop"] = ["1", "true", "{}", "[1]", "[\"a\",\"b\",\"c\",\"d\",\"e\"]", "[null]"],
            ["response_format"] = ["\"json\"", "1", "true", "[]"],
            ["response_format.type"] = ["1", "true", "{}"],
            ["response_format.json_schema"] = ["\"s\"", "1", "[]"],
            ["metadata"] = ["\"m\"", "1", "true", "[]", "{\"labels\":1}", "{\"task_type\":{}}", "{\"flags\":[\"a\"]}"],
            ["n"] = ["\"2\"", "0", "-1", "129", "1.5", "true"],
            ["logprobs"] = ["\"yes\"", "1", "{}"],
            ["top_logprobs"] = ["\"1\"", "-1", "21", "3"],
            ["tools"] = ["\"t\"", "1", "{}", "[1]", "[{}]", "[{\"type\":\"function\"}]", "[{\"type\":\"function\",\"function\":{\"name\":\"bad name\"}}]"],
            ["tool_choice"] = ["1", "\"sometimes\"", "\"required\"", "[]"],
            ["presence_penalty"] = ["\"x\"", "3", "-2.5"],
            ["frequency_penalty"] = ["5", "[]"],
            ["logit_bias"] = ["1", "[]", "{\"a\":1}", "{\"5\":101}"],
        };
        foreach (var (field, values) in wrongTypes)
        {
            foreach (var value in values)
            {
                var expect = field.Split('.', '[')[0];
                Mutated($"{field} = {value}", field, value, expect);
            }
        }

        // 5. Values of the right type that are out of range or not accepted.
        foreach (var v in new[] { "0", "-1", "-2147483648" })
        {
            Mutated($"max_tokens = {v}", "max_tokens", v, "max_tokens");
            Mutated($"max_completion_tokens = {v}", "max_completion_tokens", v, "max_completion_tokens");
        }

        foreach (var v in new[] { "-0.01", "2.01", "-1", "100", "1e308" })
        {
            Mutated($"temperature = {v}", "temperature", v, "temperature");
        }

        foreach (var v in new[] { "-0.5", "1.01", "7" })
        {
            Mutated($"top_p = {v}", "top_p", v, "top_p");
        }

        foreach (var role in new[] { "robot", "USER", "", " user", "function ", "null" })
        {
            Mutated($"role '{role}'", "messages[0].role", System.Text.Json.JsonSerializer.Serialize(role), "role");
        }

        Mutated("role missing", "messages[0].role", null, "role");
        Mutated("role null", "messages[0].role", "null", "role");
        Mutated("message null", "messages[0]", "null", "role");
        Mutated("messages empty", "messages", "[]", "messages");
        Mutated("messages missing", "messages", null, "messages");
        Mutated("messages null", "messages", "null", "messages");
        Mutated("model missing", "model", null, "model");
        Mutated("model empty", "model", "\"\"", "model");
        Mutated("model blank", "model", "\"   \"", "model");
        Mutated("model null", "model", "null", "model");
        Mutated("model unknown", "model", "\"no-such-model\"", "model", 404);
        Mutated("model unknown, long", "model", "\"" + new string('m', 5000) + "\"", "model", 404);
        foreach (var type in new[] { "json", "xml", "JSON_OBJECT", "", "function" })
        {
            Mutated($"response_format.type '{type}'", "response_format", $"{{\"type\":\"{type}\"}}", "response_format");
        }

        Mutated("json_schema without schema", "response_format", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}", "response_format.json_schema.schema");
        Mutated("json_schema schema is a string", "response_format", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":\"object\"}}", "response_format.json_schema.schema");
        Mutated("json_schema schema is an array", "response_format", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":[]}}", "response_format.json_schema.schema");
        Mutated("json_schema missing", "response_format", "{\"type\":\"json_schema\"}", "response_format.json_schema.schema");
        // Schemas JsonSchema.Net cannot build, or that break the 2020-12 meta-schema.
        Mutated("json_schema schema type misspelt", "response_format", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"strnig\"}}}", "response_format.json_schema.schema");
        Mutated("json_schema schema bad regex", "response_format", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"string\",\"pattern\":\"([\"}}}", "response_format.json_schema.schema");
        Mutated("json_schema schema negative minLength", "response_format", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"string\",\"minLength\":-1}}}", "response_format.json_schema.schema");
        Mutated("json_schema schema unknown draft", "response_format", "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"$schema\":\"https://example.com/s\"}}}", "response_format.json_schema.schema");
        Mutated("metadata.labels one label", "metadata", "{\"labels\":\"spam\"}", "metadata.labels");
        Mutated("metadata.labels empty", "metadata", "{\"labels\":\",,,\"}", "metadata.labels");
        Mutated("metadata.labels 65 labels", "metadata", "{\"labels\":\"" + string.Join(',', Enumerable.Range(0, 65).Select(i => $"l{i}")) + "\"}", "metadata.labels");
        Mutated("metadata.labels label too long", "metadata", "{\"labels\":\"a," + new string('b', 200) + "\"}", "metadata.labels");

        // 6. /v1/completions prompt shapes.
        foreach (var prompt in new[] { "1", "true", "{}", "[]", "[\"a\",\"b\"]", "[1]", "null" })
        {
            Mutated($"completions prompt = {prompt}", "prompt", prompt, "prompt", path: Completions);
        }

        Mutated("completions prompt missing", "prompt", null, "prompt", path: Completions);
        Mutated("completions max_tokens = 0", "max_tokens", "0", "max_tokens", path: Completions);
        Mutated("completions temperature = 3", "temperature", "3", "temperature", path: Completions);

        // 7. Bodies over the limit (declared, and chunked without a length).
        var huge = Encoding.UTF8.GetBytes(valid.Replace("hello", new string('x', (int)maxBodyBytes + 1024), StringComparison.Ordinal));
        all.Add(new BadRequest("body over the limit", Chat, huge, "application/json", [], "exceeds the limit") { Status = 413 });
        all.Add(new BadRequest("body over the limit, chunked", Chat, huge, "application/json", [], "exceeds the limit") { Status = 413, Chunked = true });
        var hugeGarbage = new byte[maxBodyBytes * 2];
        Array.Fill(hugeGarbage, (byte)'[');
        all.Add(new BadRequest("2x limit of '['", Chat, hugeGarbage, "application/json", [], "exceeds the limit") { Status = 413 });
        all.Add(new BadRequest("completions body over the limit", Completions, huge, "application/json", [], "exceeds the limit") { Status = 413 });

        // 8. Authentication and header abuse.
        var body = Encoding.UTF8.GetBytes(valid);
        void Auth(string name, params (string, string)[] headers) =>
            all.Add(new BadRequest(name, Chat, body, "application/json", headers, "API key") { Status = 401, OmitKey = true });
        Auth("no Authorization header");
        Auth("wrong key", ("Authorization", "Bearer sk-wrong"));
        Auth("empty bearer", ("Authorization", "Bearer "));
        Auth("basic scheme", ("Authorization", "Basic dXNlcjpwYXNz"));
        Auth("key without scheme", ("Authorization", BadRequestKeys.Valid));
        Auth("duplicate Authorization (valid + wrong)", ("Authorization", "Bearer " + BadRequestKeys.Valid), ("Authorization", "Bearer sk-wrong"));
        Auth("duplicate Authorization (wrong + valid)", ("Authorization", "Bearer sk-wrong"), ("Authorization", "Bearer " + BadRequestKeys.Valid));
        Auth("key prefix", ("Authorization", "Bearer " + BadRequestKeys.Valid[..^1]));
        Auth("key with suffix", ("Authorization", "Bearer " + BadRequestKeys.Valid + "x"));
        Auth("8 KiB key", ("Authorization", "Bearer " + new string('k', 8192)));
        Auth("key in x-api-key only", ("x-api-key", BadRequestKeys.Valid));
        Auth("bearer with comma list", ("Authorization", "Bearer " + BadRequestKeys.Valid + ", Bearer " + BadRequestKeys.Valid));
        Auth("lower-case header, wrong key", ("authorization", "bearer nope"));
        all.Add(new BadRequest("bad x-slmfleet-labels header (one label)", Chat, body, "application/json", [("x-slmfleet-labels", "spam")], "x-slmfleet-labels"));
        all.Add(new BadRequest("bad x-slmfleet-labels header (65 labels)", Chat, body, "application/json",
            [("x-slmfleet-labels", string.Join(',', Enumerable.Range(0, 65).Select(i => $"l{i}")))], "x-slmfleet-labels"));
        all.Add(new BadRequest("bad x-slmfleet-labels header (long label)", Chat, body, "application/json", [("x-slmfleet-labels", "a," + new string('b', 300))], "x-slmfleet-labels"));

        // 9. Header floods. Within 4x the router's limits (32 KiB, 100 headers) the router answers 431 with an
        // OpenAI error body; past that Kestrel's last-resort limit answers a bare 431 before the router runs.
        const string OverBytes = "32768 bytes";
        const string OverCount = "at most 100 headers";
        void Headers(string name, IReadOnlyList<(string, string)> headers, string expect, bool omitKey = false) =>
            all.Add(new BadRequest(name, Chat, body, "application/json", headers, expect) { Status = 431, OmitKey = omitKey });
        Headers("64 KiB x-task-type header", [("x-task-type", new string('t', 64 * 1024))], OverBytes);
        Headers("64 KiB Authorization header", [("Authorization", "Bearer " + new string('k', 64 * 1024))], OverBytes, omitKey: true);
        Headers("33 KiB x-slmfleet-labels header", [("x-slmfleet-labels", "a," + new string('b', 33 * 1024))], OverBytes);
        Headers("40 x 1 KiB headers", [.. Enumerable.Range(0, 40).Select(i => ($"x-pad-{i}", new string('p', 1024)))], OverBytes);
        Headers("100 tiny headers plus the usual ones", [.. Enumerable.Range(0, 100).Select(i => ($"x-h-{i}", "1"))], OverCount);
        Headers("300 tiny headers", [.. Enumerable.Range(0, 300).Select(i => ($"x-h-{i}", "1"))], OverCount);
        all.Add(new BadRequest("200 x 1 KiB headers (past Kestrel's 128 KiB)", Chat, body, "application/json",
            [.. Enumerable.Range(0, 200).Select(i => ($"x-pad-{i}", new string('p', 1024)))], "") { Status = 431, RefusedByServer = true });
        all.Add(new BadRequest("256 KiB header (past Kestrel's 128 KiB)", Chat, body, "application/json", [("x-task-type", new string('t', 256 * 1024))], "") { Status = 431, RefusedByServer = true });
        all.Add(new BadRequest("500 tiny headers (past Kestrel's 400)", Chat, body, "application/json",
            [.. Enumerable.Range(0, 500).Select(i => ($"x-h-{i}", "1"))], "") { Status = 431, RefusedByServer = true });
        return all;
    }

    private static byte[] Splice(string json, string token, byte[] bad)
    {
        var at = json.IndexOf(token, StringComparison.Ordinal);
        var before = Encoding.UTF8.GetBytes(json[..at]);
        var after = Encoding.UTF8.GetBytes(json[(at + token.Length)..]);
        return [.. before, .. Encoding.UTF8.GetBytes("a"), .. bad, .. Encoding.UTF8.GetBytes("b"), .. after];
    }

    /// <summary>Sets (or, with a null value, removes) a dotted path with [i] indexes; the value is raw JSON.</summary>
    private static void Set(JsonObject root, string path, string? rawValue)
    {
        var segments = path.Replace("[", ".[", StringComparison.Ordinal).Split('.');
        JsonNode parent = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var segment = segments[i];
            var next = segment.StartsWith('[') ? parent.AsArray()[Index(segment)] : parent.AsObject()[segment];
            if (next is null)
            {
                next = new JsonObject();
                parent.AsObject()[segment] = next;
            }

            parent = next;
        }

        var last = segments[^1];
        var value = rawValue is null ? null : JsonNode.Parse(rawValue);
        if (last.StartsWith('['))
        {
            parent.AsArray()[Index(last)] = value;
        }
        else if (rawValue is null)
        {
            parent.AsObject().Remove(last);
        }
        else
        {
            parent.AsObject()[last] = value;
        }
    }

    private static int Index(string segment) => int.Parse(segment[1..^1], System.Globalization.CultureInfo.InvariantCulture);
}
