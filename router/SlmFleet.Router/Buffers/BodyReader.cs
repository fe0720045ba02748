using System.IO.Pipelines;

namespace SlmFleet.Router.Buffers;

/// <summary>Reads a request body into a pooled buffer, stopping as soon as it exceeds the limit.</summary>
internal static class BodyReader
{
    /// <summary>Returns false when the body is larger than <paramref name="limit"/> bytes.</summary>
    public static async Task<bool> TryReadAsync(PipeReader reader, PooledBufferWriter into, long limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (into.WrittenCount + buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                return false;
            }

            foreach (var segment in buffer)
            {
                segment.Span.CopyTo(into.GetSpan(segment.Length));
                into.Advance(segment.Length);
            }

            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                return true;
            }
        }
    }
}
