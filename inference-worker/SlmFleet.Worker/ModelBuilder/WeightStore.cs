using SlmFleet.Worker.Onnx.Proto;
using DataType = SlmFleet.Worker.Onnx.Proto.TensorProto.Types.DataType;

namespace SlmFleet.Worker.ModelBuilder;

/// <summary>
/// Declares initializers in the model's precision and, unless it only describes the graph, makes and writes
/// their bytes. Values come from a callback so a graph-only build (shape checks of the 0.5 B preset in tests)
/// never generates a weight, while a full build generates them in one fixed order: same seed, same bytes.
/// </summary>
internal sealed class WeightStore(OnnxGraphBuilder graph, ModelPrecision precision, ExternalDataWriter? data)
{
    public ModelPrecision Precision => precision;

    /// <summary>float16 for an fp16 model, float32 otherwise (int4 keeps norms, caches and the embedding in fp32, as the builder does).</summary>
    public DataType FloatType => precision == ModelPrecision.Fp16 ? DataType.Float16 : DataType.Float;

    public TensorProto Float(string name, long[] dims, Func<float[]> values)
    {
        var tensor = graph.Initializer(name, FloatType, dims);
        if (data is not null)
        {
            var floats = values();
            if (precision == ModelPrecision.Fp16)
            {
                data.Write(tensor, TensorBytes.Float16(floats));
            }
            else
            {
                data.Write(tensor, TensorBytes.Float32(floats));
            }
        }

        return tensor;
    }

    /// <summary>MatMulNBits B and scales of an HF-layout [n, k] weight.</summary>
    public (TensorProto Packed, TensorProto Scales) Int4(string name, int n, int k, Func<float[]> values)
    {
        var blocks = Int4BlockQuantizer.Blocks(k);
        var packed = graph.Initializer($"{name}_Q4", DataType.Uint8, n, blocks, Int4BlockQuantizer.BytesPerBlock);
        var scales = graph.Initializer($"{name}_scales", DataType.Float, (long)n * blocks);
        if (data is not null)
        {
            var packedBytes = new byte[(long)n * blocks * Int4BlockQuantizer.BytesPerBlock];
            var scaleValues = new float[n * blocks];
            Int4BlockQuantizer.Quantize(values(), n, k, packedBytes, scaleValues);
            data.Write(packed, packedBytes);
            data.Write(scales, TensorBytes.Float32(scaleValues));
        }

        return (packed, scales);
    }

    /// <summary>A second initializer over bytes already written for <paramref name="source"/>, with another shape.</summary>
    public TensorProto Alias(string name, TensorProto source, params long[] dims)
    {
        var tensor = graph.Initializer(name, (DataType)source.DataType, dims);
        if (data is not null)
        {
            ExternalDataWriter.Share(tensor, source);
        }

        return tensor;
    }
}
