using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;

namespace SlmFleet.Router.Schema;

/// <summary>
/// Response schemas built once per distinct schema text and checked against their draft's meta-schema
/// (2020-12 unless <c>$schema</c> names another), so that a bad schema is refused when the request
/// arrives (400) instead of failing every answer.
/// </summary>
/// <remarks>
/// Bounded: past <see cref="MaxEntries"/> schemas the cache starts a new generation (a new dictionary
/// with a new <see cref="EvaluationOptions"/>), so clients sending ever-new schemas cannot grow memory
/// without limit; entries in use by requests in flight stay valid. Building happens under one lock:
/// it is the rare path, and it keeps two first uses of one schema from racing on JsonSchema.Net's lazily
/// built evaluation plan.
/// </remarks>
internal static class SchemaCache
{
    public const int MaxEntries = 512;

    private static readonly Lock BuildLock = new();
    private static Generation _current = new();

    /// <summary>The compiled form of <paramref name="schema"/> (from the cache when its text was seen before).</summary>
    public static CompiledSchema Get(JsonElement schema)
    {
        var text = schema.GetRawText();
        var generation = Volatile.Read(ref _current);
        if (generation.Entries.TryGetValue(text, out var compiled))
        {
            return compiled;
        }

        lock (BuildLock)
        {
            generation = _current;
            if (generation.Entries.TryGetValue(text, out compiled))
            {
                return compiled;
            }

            if (generation.Entries.Count >= MaxEntries)
            {
                generation = new Generation();
                Volatile.Write(ref _current, generation);
            }

            compiled = Build(text, schema, generation.Options);
            generation.Entries[text] = compiled;
            return compiled;
        }
    }

    /// <summary>Evaluation settings for answers: draft 2020-12 unless the schema says otherwise, and <c>format</c> asserted.</summary>
    internal static EvaluationOptions NewOptions() => new()
    {
        EvaluateAs = SpecVersion.Draft202012,
        RequireFormatValidation = true,
        OutputFormat = OutputFormat.Hierarchical,
    };

    private static CompiledSchema Build(string text, JsonElement element, EvaluationOptions options)
    {
        // The meta-schema first: its errors say where (e.g. "/properties/a/type"); FromText's do not.
        if (MetaSchemaViolation(element) is { } violation)
        {
            return new CompiledSchema(null, options, violation);
        }

        JsonSchema schema;
        try
        {
            schema = JsonSchema.FromText(text);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or JsonSchemaException or InvalidOperationException)
        {
            // FromText throws for keywords whose values have the wrong shape, and Regex's ArgumentException for a bad pattern.
            return new CompiledSchema(null, options, ex.Message);
        }

        try
        {
            // One evaluation now builds the schema's evaluation plan under the lock, before requests share it.
            _ = schema.Evaluate(element, options);
        }
        catch (Exception ex) when (ex is JsonSchemaException or RefResolutionException or ArgumentException or InvalidOperationException)
        {
            return new CompiledSchema(null, options, ex.Message);
        }

        return new CompiledSchema(schema, options, null);
    }

    private static readonly EvaluationOptions MetaOptions = new() { OutputFormat = OutputFormat.Hierarchical };

    /// <summary>The first place the schema breaks its draft's meta-schema (e.g. <c>"type": "strnig"</c>, <c>"minLength": -1</c>), or null.</summary>
    private static string? MetaSchemaViolation(JsonElement schema)
    {
        var meta = MetaSchemas.Draft202012;
        if (schema.TryGetProperty("$schema", out var declared))
        {
            meta = (declared.ValueKind == JsonValueKind.String ? declared.GetString() : null) switch
            {
                "http://json-schema.org/draft-06/schema#" or "http://json-schema.org/draft-06/schema" => MetaSchemas.Draft6,
                "http://json-schema.org/draft-07/schema#" or "http://json-schema.org/draft-07/schema" => MetaSchemas.Draft7,
                "https://json-schema.org/draft/2019-09/schema" or "https://json-schema.org/draft/2019-09/schema#" => MetaSchemas.Draft201909,
                "https://json-schema.org/draft/2020-12/schema" or "https://json-schema.org/draft/2020-12/schema#" => MetaSchemas.Draft202012,
                _ => null,
            };
            if (meta is null)
            {
                return $"'$schema' {declared.GetRawText()} is not a supported draft; use https://json-schema.org/draft/2020-12/schema (the default), 2019-09, draft-07 or draft-06";
            }
        }

        var result = meta.Evaluate(schema, MetaOptions);
        return result.IsValid ? null : SchemaErrors.First(result);
    }

    private sealed class Generation
    {
        public ConcurrentDictionary<string, CompiledSchema> Entries { get; } = new(StringComparer.Ordinal);

        public EvaluationOptions Options { get; } = NewOptions();
    }
}
