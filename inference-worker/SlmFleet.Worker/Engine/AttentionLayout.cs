namespace SlmFleet.Worker.Engine;

/// <summary>How a decoder graph takes and returns its KV cache.</summary>
internal enum AttentionLayout
{
    /// <summary>
    /// GroupQueryAttention (the official builder's CPU and CUDA exports): past and present are one
    /// buffer of fixed capacity; each row's tokens start at column 0 and its length travels as
    /// <c>seqlens_k</c> / <c>total_sequence_length</c>, which the graph derives from attention_mask.
    /// </summary>
    SharedBuffer,

    /// <summary>
    /// Older exports and plain graphs: present = Concat(past, new) along the sequence axis, padding
    /// hidden by attention_mask, positions from position_ids.
    /// </summary>
    Concat,
}
