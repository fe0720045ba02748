namespace SlmFleet.Worker.ModelBuilder;

/// <summary>Weight and activation precision of a generated model, as the builder's <c>-p</c> option.</summary>
internal enum ModelPrecision
{
    /// <summary>float32 everywhere: the builder's <c>-p fp32 -e cpu</c>.</summary>
    Fp32,

    /// <summary>
    /// float16 initializers, KV cache and logits with no casts in the graph: the builder's
    /// <c>-p fp16</c> graph (fixture qwen2-gqa-fp16), which ONNX Runtime's CPU provider also runs.
    /// </summary>
    Fp16,

    /// <summary>
    /// Linear layers as <c>com.microsoft</c> MatMulNBits (4 bits, blocks of 32 along K, symmetric);
    /// everything else float32: the builder's <c>-p int4 -e cpu</c>.
    /// </summary>
    Int4,
}
