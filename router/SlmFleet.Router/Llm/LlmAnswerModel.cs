using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;

namespace SlmFleet.Router.Llm;

/// <summary>
/// The <c>model</c> of every relayed LLM answer is the alias the client sent, never the upstream's
/// model name: clients (and their logs) see one stable name, and the provider behind a policy stays the
/// operator's business.
/// </summary>
internal static class LlmAnswerModel
{
    // Aliases are policy names, so the set is small; past this many the cache starts over.
    private const int MaxCached = 1024;
    private static readonly ConcurrentDictionary<string, byte[]> Quoted = new(StringComparer.Ordinal);

    /// <summary><paramref name="alias"/> as a JSON string token (escaped, with quotes), built once per alias.</summary>
    public static ReadOnlyMemory<byte> QuotedAlias(string alias)
    {
        if (Quoted.TryGetValue(alias, out var bytes))
        {
            return bytes;
        }

        var encoded = JsonEncodedText.Encode(alias).EncodedUtf8Bytes;
        bytes = new byte[encoded.Length + 2];
        bytes[0] = (byte)'"';
        encoded.CopyTo(bytes.AsSpan(1));
        bytes[^1] = (byte)'"';
        if (Quoted.Count >= MaxCached)
        {
            Quoted.Clear();
        }

        Quoted[alias] = bytes;
        return bytes;
    }

    /// <summary>Writes <paramref name="json"/> with its top-level <c>model</c> token replaced (unchanged when it has none).</summary>
    public static void WriteWithModel(ReadOnlySpan<byte> json, AnswerShape shape, ReadOnlySpan<byte> quotedAlias, IBufferWriter<byte> output)
    {
        if (shape.ModelStart < 0)
        {
            output.Write(json);
            return;
        }

        output.Write(json[..shape.ModelStart]);
        output.Write(quotedAlias);
        output.Write(json[(shape.ModelStart + shape.ModelLength)..]);
    }

    /// <summary>The length <see cref="WriteWithModel"/> will write.</summary>
    public static int RewrittenLength(int jsonLength, AnswerShape shape, int quotedAliasLength) =>
        shape.ModelStart < 0 ? jsonLength : jsonLength - shape.ModelLength + quotedAliasLength;
}
