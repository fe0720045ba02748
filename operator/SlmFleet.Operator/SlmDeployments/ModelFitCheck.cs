using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Does the model fit the accelerator? Memory per replica =
///   weights (parameters × bytes per parameter at the quantization)
/// + KV cache (2 (K and V) × layers × kvHeads × headSize × 2 bytes (fp16 cache) × contextLength × maxBatchSize)
/// + runtime overhead (10 % of the above + 0.5 GiB for the CUDA context, ORT arena and activations),
/// against the card's memory × GPUs per replica (host memory for CPU).
/// </summary>
internal static class ModelFitCheck
{
    private const double BytesPerGiB = 1024d * 1024 * 1024;
    private const double OverheadFraction = 0.10;
    private const double OverheadFixedGiB = 0.5;
    private const int KvCacheBytesPerValue = 2;

    // Dense decoder-only transformers have about 12 × layers × d_model² parameters and a width/depth
    // ratio (d_model / layers) near 100 (Phi-3-mini 3072/32, Llama-2-7B 4096/32, Qwen2.5-1.5B 1536/28).
    // Without spec.model.architecture we solve for layers and assume full multi-head attention (no
    // grouped-query attention), which over-estimates the cache of GQA models: it errs towards
    // "does not fit" rather than an out-of-memory crash on the node.
    private const double AssumedWidthPerLayer = 100;

    public static double BytesPerParameter(string quantization) => quantization switch
    {
        "fp16" => 2,
        "int8" => 1,
        "int4" => 0.5,
        _ => throw new ArgumentOutOfRangeException(nameof(quantization), quantization, "accepted: fp16, int8, int4"),
    };

    public static ModelMemoryEstimate Estimate(ModelSpec model, int maxBatchSize)
    {
        var parameters = model.ParametersBillions * 1e9;
        var weights = parameters * BytesPerParameter(model.Quantization);

        double kvBytesPerToken;
        var arch = model.Architecture;
        if (arch is not null)
        {
            kvBytesPerToken = 2d * arch.Layers * arch.KvHeads * arch.HeadSize * KvCacheBytesPerValue;
        }
        else
        {
            var layers = Math.Cbrt(parameters / (12 * AssumedWidthPerLayer * AssumedWidthPerLayer));
            var width = AssumedWidthPerLayer * layers;
            kvBytesPerToken = 2d * layers * width * KvCacheBytesPerValue;
        }

        var kv = kvBytesPerToken * model.ContextLength * maxBatchSize;
        var weightsGiB = weights / BytesPerGiB;
        var kvGiB = kv / BytesPerGiB;
        var overheadGiB = ((weightsGiB + kvGiB) * OverheadFraction) + OverheadFixedGiB;
        return new ModelMemoryEstimate(weightsGiB, kvGiB, overheadGiB, arch is not null);
    }

    public static ModelFitResult Check(ModelSpec model, int maxBatchSize, AcceleratorProfile profile, int devices, double? cpuMemoryGiB)
    {
        var estimate = Estimate(model, maxBatchSize);
        var perDevice = profile.IsGpu ? profile.MemoryGiB : cpuMemoryGiB ?? profile.MemoryGiB;
        var count = profile.IsGpu ? devices : 1;
        var available = perDevice * count;
        var fits = estimate.TotalGiB <= available;

        var needs =
            $"needs {ModelMemoryEstimate.Format(estimate.TotalGiB)} GiB per replica " +
            $"(weights {ModelMemoryEstimate.Format(estimate.WeightsGiB)} GiB at {model.Quantization} + " +
            $"KV cache {ModelMemoryEstimate.Format(estimate.KvCacheGiB)} GiB for contextLength {model.ContextLength} × maxBatchSize {maxBatchSize} + " +
            $"overhead {ModelMemoryEstimate.Format(estimate.OverheadGiB)} GiB)";
        var has = profile.IsGpu
            ? $"{profile.Type} × {count} has {ModelMemoryEstimate.Format(available)} GiB"
            : $"{profile.Type} has {ModelMemoryEstimate.Format(available)} GiB of memory";
        var message = fits
            ? $"Model {needs}; {has}."
            : $"Model {needs}, but {has}. Lower spec.model.quantization (fp16, int8, int4), spec.model.contextLength or " +
              "spec.runtime.maxBatchSize, or raise spec.accelerator.count or choose a larger spec.accelerator.type.";
        if (!estimate.KvCacheFromArchitecture)
        {
            message += " The KV cache is estimated from parametersBillions; set spec.model.architecture for the exact figure.";
        }

        return new ModelFitResult(fits, estimate, available, message);
    }
}
