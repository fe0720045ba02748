using Json.Schema;

namespace SlmFleet.Router.Schema;

/// <summary>
/// A response schema built by JsonSchema.Net, or why it could not be built. <see cref="Options"/> is the
/// instance it is evaluated with, always the same one: JsonSchema.Net 7 caches a schema's evaluation
/// plan per options instance, and evaluating one schema in parallel under different instances corrupts
/// that cache (json-everything issue #929).
/// </summary>
internal sealed record CompiledSchema(JsonSchema? Schema, EvaluationOptions Options, string? Error);
