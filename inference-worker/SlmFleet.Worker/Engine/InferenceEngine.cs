using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SlmFleet.Worker.Model;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// One ONNX Runtime session over a GenAI-layout decoder and its slot KV cache. A call runs
/// <c>sequence</c> new tokens for each of the consecutive slots [first, first + count), each row
/// after its own number of cached tokens. Logits land in one reused host buffer sized for the
/// largest call (max of the batch and the prefill chunk), so a 152k vocabulary costs a fixed
/// amount of memory. Not thread-safe: the scheduler thread is its only caller.
/// </summary>
internal sealed unsafe class InferenceEngine : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string _positionIdsName;
    private long[] _ids = [];
    private long[] _mask = [];
    private long[] _positions = [];
    private nint _logits;
    private long _logitsCapacity;
    private int _logitsRows;
    private int _logitsSequence;
    private float[] _logitsScratch = [];
    private nint[] _staging = [];
    private long[] _stagingBytes = [];

    // Shared-buffer graphs keep one binding whose past/present KV views stay bound while the run's
    // slot range is unchanged (every decode step of a steady batch): binding 4 × layers views per
    // step was a measurable share of a batch-1 token. Per-step inputs and logits are rebound by
    // name each run (a BindInput of a bound name replaces it).
    private OrtIoBinding? _sharedBinding;
    private readonly List<OrtValue> _boundViews = [];
    private int _boundFirst = -1;
    private int _boundCount = -1;

    public InferenceEngine(InferenceSession session, GenAiConfig config, ModelConventions conventions, int slots, int prefillChunk, OrtAllocator? deviceAllocator)
    {
        _session = session;
        Config = config;
        Conventions = conventions;
        Cache = new KvSlotCache(slots, config.KeyValueHeads, config.HeadSize, conventions.LayerCapacity, conventions.KvType, deviceAllocator);
        PrefillChunk = conventions.ChunkedPrefill ? Math.Max(1, Math.Min(prefillChunk, conventions.MaxSequenceLength)) : conventions.MaxSequenceLength;
        MaxTokensPerCall = Math.Max(slots, conventions.ChunkedPrefill ? PrefillChunk : slots);
        _positionIdsName = config.PositionIdsName ?? "position_ids";
        if (conventions.Layout == AttentionLayout.Concat && !Cache.OnHost)
        {
            throw new ModelLoadException("graphs without GroupQueryAttention (Concat KV convention) are served on CPU only; use --execution-provider cpu");
        }
    }

    public GenAiConfig Config { get; }

    public ModelConventions Conventions { get; }

    public KvSlotCache Cache { get; }

    /// <summary>Longest piece of a prompt run in one call (the whole prompt for sliding-window models).</summary>
    public int PrefillChunk { get; }

    /// <summary>Rows × tokens the logits buffer is sized for; callers keep each call within it (a longer unchunked prefill grows it).</summary>
    public int MaxTokensPerCall { get; }

    public int VocabSize => Conventions.VocabSize;

    /// <summary>
    /// Runs <paramref name="sequence"/> tokens for each slot in [<paramref name="first"/>, first + count).
    /// Row r's tokens are <c>tokens[r * sequence ..]</c> and follow the <c>pastLengths[r]</c> tokens
    /// already in its slot; they are written to the slot at those columns.
    /// </summary>
    public void Run(int first, int count, int sequence, ReadOnlySpan<int> tokens, ReadOnlySpan<int> pastLengths)
    {
        var longest = 0;
        for (var r = 0; r < count; r++)
        {
            longest = Math.Max(longest, pastLengths[r]);
            if (pastLengths[r] + sequence > Conventions.MaxSequenceLength)
            {
                throw new InvalidOperationException($"slot {first + r}: {pastLengths[r]} + {sequence} tokens exceed the maximum sequence length {Conventions.MaxSequenceLength}");
            }
        }

        var tokenCount = count * sequence;
        EnsureInputs(tokenCount, count * (longest + sequence));
        for (var i = 0; i < tokenCount; i++)
        {
            _ids[i] = tokens[i];
        }

        var shared = Conventions.Layout == AttentionLayout.SharedBuffer;
        var callBinding = shared ? null : _session.CreateIoBinding();
        var binding = callBinding ?? SharedBinding(first, count);
        var owned = new List<OrtValue>(4);
        try
        {
            var total = shared
                ? SharedBufferMask(count, sequence, pastLengths, longest)
                : BindConcat(binding, owned, first, count, sequence, pastLengths, longest);
            Bind(binding, owned, Config.InputIdsName, OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _ids.AsMemory(0, tokenCount), [count, sequence]));
            Bind(binding, owned, Config.AttentionMaskName, OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _mask.AsMemory(0, count * total), [count, total]));
            if (Conventions.HasPositionIds)
            {
                for (var r = 0; r < count; r++)
                {
                    for (var s = 0; s < sequence; s++)
                    {
                        _positions[(r * sequence) + s] = pastLengths[r] + s;
                    }
                }

                Bind(binding, owned, _positionIdsName, OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _positions.AsMemory(0, tokenCount), [count, sequence]));
            }

            EnsureLogits((long)tokenCount * VocabSize * Conventions.LogitsElementBytes);
            var logits = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, Conventions.LogitsType, [count, sequence, VocabSize], _logits, (long)tokenCount * VocabSize * Conventions.LogitsElementBytes);
            owned.Add(logits);
            binding.BindOutput(Config.LogitsName, logits);
            _session.RunWithBinding(_runOptions, binding);
            if (Conventions.Layout == AttentionLayout.Concat)
            {
                StoreConcatPresent(binding, first, count, sequence, pastLengths, longest);
            }

            _logitsRows = count;
            _logitsSequence = sequence;
        }
        finally
        {
            foreach (var value in owned)
            {
                value.Dispose();
            }

            callBinding?.Dispose();
        }
    }

    /// <summary>Logits of one position of one row of the last <see cref="Run"/>, as float32 (converted from fp16/bf16 models).</summary>
    public ReadOnlySpan<float> Logits(int row, int position)
    {
        if (row >= _logitsRows || position >= _logitsSequence)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"row {row} position {position} is outside the last run ({_logitsRows} x {_logitsSequence})");
        }

        var index = ((long)row * _logitsSequence) + position;
        switch (Conventions.LogitsType)
        {
            case TensorElementType.Float:
                return new ReadOnlySpan<float>((void*)(_logits + (nint)(index * VocabSize * 4)), VocabSize);
            case TensorElementType.Float16:
                EnsureScratch();
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>((void*)(_logits + (nint)(index * VocabSize * 2)), VocabSize), _logitsScratch);
                return _logitsScratch;
            default:
                EnsureScratch();
                var source = new ReadOnlySpan<ushort>((void*)(_logits + (nint)(index * VocabSize * 2)), VocabSize);
                for (var i = 0; i < source.Length; i++)
                {
                    _logitsScratch[i] = BitConverter.Int32BitsToSingle(source[i] << 16);
                }

                return _logitsScratch;
        }
    }

    // GroupQueryAttention derives seqlens_k (ones − 1) and total_sequence_length (the width) from
    // the mask, and reads and writes each row's tokens from column 0 of its slot.
    private int SharedBufferMask(int count, int sequence, ReadOnlySpan<int> pastLengths, int longest)
    {
        var total = longest + sequence;
        Array.Clear(_mask, 0, count * total);
        for (var r = 0; r < count; r++)
        {
            _mask.AsSpan(r * total, pastLengths[r] + sequence).Fill(1);
        }

        return total;
    }

    // Past and present are the same views of slots [first, first + count), so the kernel appends in
    // place; they are rebound only when the range changes.
    private OrtIoBinding SharedBinding(int first, int count)
    {
        _sharedBinding ??= _session.CreateIoBinding();
        if (first == _boundFirst && count == _boundCount)
        {
            return _sharedBinding;
        }

        ReleaseViews();
        for (var layer = 0; layer < Config.Layers; layer++)
        {
            var key = Cache.View(layer, false, first, count);
            var value = Cache.View(layer, true, first, count);
            _boundViews.Add(key);
            _boundViews.Add(value);
            _sharedBinding.BindInput(Config.PastKey(layer), key);
            _sharedBinding.BindInput(Config.PastValue(layer), value);
            _sharedBinding.BindOutput(Config.PresentKey(layer), key);
            _sharedBinding.BindOutput(Config.PresentValue(layer), value);
        }

        _boundFirst = first;
        _boundCount = count;
        return _sharedBinding;
    }

    private void ReleaseViews()
    {
        foreach (var view in _boundViews)
        {
            view.Dispose();
        }

        _boundViews.Clear();
        _boundFirst = -1;
        _boundCount = -1;
    }

    // Concat graphs return past + new as a fresh tensor: rows are staged right-padded to the
    // longest past (padding masked out), the new tokens sit after it, and only the new columns go
    // back into each slot.
    private int BindConcat(OrtIoBinding binding, List<OrtValue> owned, int first, int count, int sequence, ReadOnlySpan<int> pastLengths, int longest)
    {
        var total = longest + sequence;
        Array.Clear(_mask, 0, count * total);
        for (var r = 0; r < count; r++)
        {
            _mask.AsSpan(r * total, pastLengths[r]).Fill(1);
            _mask.AsSpan((r * total) + longest, sequence).Fill(1);
        }

        var elementBytes = Conventions.KvElementBytes;
        var denseBytes = (long)count * Config.KeyValueHeads * longest * Config.HeadSize * elementBytes;
        EnsureStaging(Config.Layers * 2, denseBytes);
        for (var layer = 0; layer < Config.Layers; layer++)
        {
            for (var kind = 0; kind < 2; kind++)
            {
                var dense = _staging[(2 * layer) + kind];
                for (var r = 0; r < count; r++)
                {
                    Cache.CopyColumns(layer, kind == 1, first + r, 0, dense, r, longest, 0, pastLengths[r], toSlot: false);
                }

                var past = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, Conventions.KvType, [count, Config.KeyValueHeads, longest, Config.HeadSize], dense, Math.Max(denseBytes, 0));
                owned.Add(past);
                binding.BindInput(kind == 0 ? Config.PastKey(layer) : Config.PastValue(layer), past);
                binding.BindOutputToDevice(kind == 0 ? Config.PresentKey(layer) : Config.PresentValue(layer), OrtMemoryInfo.DefaultInstance);
            }
        }

        return total;
    }

    private void StoreConcatPresent(OrtIoBinding binding, int first, int count, int sequence, ReadOnlySpan<int> pastLengths, int longest)
    {
        using var outputs = binding.GetOutputValues();
        var names = binding.GetOutputNames();
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i] == Config.LogitsName)
            {
                continue;
            }

            var layer = LayerOf(names[i], out var isValue);
            fixed (byte* data = outputs.ElementAt(i).GetTensorMutableRawData())
            {
                for (var r = 0; r < count; r++)
                {
                    Cache.CopyColumns(layer, isValue, first + r, pastLengths[r], (nint)data, r, longest + sequence, longest, sequence, toSlot: true);
                }
            }
        }
    }

    private int LayerOf(string presentName, out bool isValue)
    {
        for (var layer = 0; layer < Config.Layers; layer++)
        {
            if (presentName == Config.PresentKey(layer))
            {
                isValue = false;
                return layer;
            }

            if (presentName == Config.PresentValue(layer))
            {
                isValue = true;
                return layer;
            }
        }

        throw new InvalidOperationException($"unexpected output {presentName}");
    }

    private static void Bind(OrtIoBinding binding, List<OrtValue> owned, string name, OrtValue value)
    {
        owned.Add(value);
        binding.BindInput(name, value);
    }

    private void EnsureInputs(int tokens, int maskLength)
    {
        if (_ids.Length < tokens)
        {
            _ids = new long[tokens];
            _positions = new long[tokens];
        }

        if (_mask.Length < maskLength)
        {
            _mask = new long[Math.Max(maskLength, _mask.Length * 2)];
        }
    }

    private void EnsureLogits(long bytes)
    {
        if (bytes > _logitsCapacity)
        {
            NativeMemory.Free((void*)_logits);
            _logits = (nint)NativeMemory.Alloc((nuint)bytes);
            _logitsCapacity = bytes;
        }
    }

    private void EnsureScratch()
    {
        if (_logitsScratch.Length != VocabSize)
        {
            _logitsScratch = new float[VocabSize];
        }
    }

    private void EnsureStaging(int buffers, long bytes)
    {
        if (_staging.Length != buffers)
        {
            _staging = new nint[buffers];
            _stagingBytes = new long[buffers];
        }

        for (var i = 0; i < buffers; i++)
        {
            if (_stagingBytes[i] < bytes)
            {
                NativeMemory.Free((void*)_staging[i]);
                var size = Math.Max(bytes, _stagingBytes[i] * 2);
                _staging[i] = (nint)NativeMemory.AllocZeroed((nuint)Math.Max(size, 1));
                _stagingBytes[i] = size;
            }
        }
    }

    public void Dispose()
    {
        _sharedBinding?.Dispose();
        ReleaseViews();
        _runOptions.Dispose();
        _session.Dispose();
        Cache.Dispose();
        NativeMemory.Free((void*)_logits);
        _logits = 0;
        foreach (var buffer in _staging)
        {
            NativeMemory.Free((void*)buffer);
        }

        _staging = [];
    }
}
