using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// The KV cache as fixed slots: per layer one key and one value buffer of
/// <c>[slots, kvHeads, capacity, headSize]</c>, allocated once. A sequence owns one slot for its
/// whole life; its tokens start at column 0. Because the slot is the outermost axis, any run of
/// consecutive slots is itself a dense tensor, so a step over slots [first, first + count) binds
/// views of the same memory as past and present: joining, finishing or cancelling a sequence
/// copies nothing, and a step allocates nothing that grows with the context.
/// </summary>
/// <remarks>
/// Host memory comes from calloc-style zeroed allocations: pages never touched (slots not yet used,
/// columns beyond the longest sequence) are not resident. On CUDA the buffers come from the
/// session's device allocator and never leave the GPU.
/// </remarks>
internal sealed unsafe class KvSlotCache : IDisposable
{
    private readonly nint[] _keys;
    private readonly nint[] _values;
    private readonly OrtValue[]? _deviceAllocations;
    private readonly OrtMemoryInfo _memory;
    private readonly TensorElementType _type;
    private readonly int _kvHeads;
    private readonly int _headSize;
    private readonly int _elementBytes;

    public KvSlotCache(int slots, int kvHeads, int headSize, IReadOnlyList<int> capacity, TensorElementType type, OrtAllocator? deviceAllocator)
    {
        Slots = slots;
        Capacity = capacity;
        _kvHeads = kvHeads;
        _headSize = headSize;
        _type = type;
        _elementBytes = ModelConventions.ElementBytes(type);
        _keys = new nint[capacity.Count];
        _values = new nint[capacity.Count];
        _memory = deviceAllocator?.Info ?? OrtMemoryInfo.DefaultInstance;
        _deviceAllocations = deviceAllocator is null ? null : new OrtValue[capacity.Count * 2];
        for (var layer = 0; layer < capacity.Count; layer++)
        {
            var bytes = (nuint)(SlotBytes(layer) * slots);
            if (deviceAllocator is null)
            {
                _keys[layer] = (nint)NativeMemory.AllocZeroed(bytes);
                _values[layer] = (nint)NativeMemory.AllocZeroed(bytes);
            }
            else
            {
                long[] shape = [slots, kvHeads, capacity[layer], headSize];
                _deviceAllocations![2 * layer] = OrtValue.CreateAllocatedTensorValue(deviceAllocator, type, shape);
                _deviceAllocations[(2 * layer) + 1] = OrtValue.CreateAllocatedTensorValue(deviceAllocator, type, shape);
                _keys[layer] = DevicePointer(_deviceAllocations[2 * layer]);
                _values[layer] = DevicePointer(_deviceAllocations[(2 * layer) + 1]);
            }
        }

        TotalBytes = Enumerable.Range(0, capacity.Count).Sum(l => SlotBytes(l) * 2 * slots);
    }

    public int Slots { get; }

    /// <summary>Columns per slot, per layer (smaller for sliding-window layers).</summary>
    public IReadOnlyList<int> Capacity { get; }

    /// <summary>Reserved bytes for keys and values of every slot (resident only once touched on the host).</summary>
    public long TotalBytes { get; }

    public bool OnHost => _deviceAllocations is null;

    /// <summary>A tensor over slots [first, first + count) of one layer's keys or values; no copy.</summary>
    public OrtValue View(int layer, bool value, int first, int count)
    {
        var slotBytes = SlotBytes(layer);
        var start = (value ? _values : _keys)[layer] + (nint)(slotBytes * first);
        long[] shape = [count, _kvHeads, Capacity[layer], _headSize];
        return OrtValue.CreateTensorValueWithData(_memory, _type, shape, start, slotBytes * count);
    }

    /// <summary>Copies the first <paramref name="columns"/> positions of one slot into another (host only; classify's shared prompt).</summary>
    public void CopyPrefix(int fromSlot, int toSlot, int columns)
    {
        if (!OnHost)
        {
            throw new InvalidOperationException("KV slots live on the device; prefix copies run on the host only");
        }

        for (var layer = 0; layer < _keys.Length; layer++)
        {
            var take = Math.Min(columns, Capacity[layer]);
            foreach (var buffer in new[] { _keys[layer], _values[layer] })
            {
                for (var head = 0; head < _kvHeads; head++)
                {
                    var source = new ReadOnlySpan<byte>((void*)(buffer + (nint)Offset(layer, fromSlot, head, 0)), take * _headSize * _elementBytes);
                    source.CopyTo(new Span<byte>((void*)(buffer + (nint)Offset(layer, toSlot, head, 0)), source.Length));
                }
            }
        }
    }

    /// <summary>
    /// Copies columns between a slot and a dense <c>[rows, kvHeads, length, headSize]</c> host tensor
    /// (the Concat layout's staging past and its present).
    /// </summary>
    public void CopyColumns(int layer, bool value, int slot, int slotColumn, nint dense, int denseRow, int denseLength, int denseColumn, int columns, bool toSlot)
    {
        var buffer = (value ? _values : _keys)[layer];
        var bytes = columns * _headSize * _elementBytes;
        for (var head = 0; head < _kvHeads; head++)
        {
            var slotPointer = (void*)(buffer + (nint)Offset(layer, slot, head, slotColumn));
            var densePointer = (void*)(dense + (nint)((((((long)denseRow * _kvHeads) + head) * denseLength) + denseColumn) * _headSize * _elementBytes));
            if (toSlot)
            {
                new ReadOnlySpan<byte>(densePointer, bytes).CopyTo(new Span<byte>(slotPointer, bytes));
            }
            else
            {
                new ReadOnlySpan<byte>(slotPointer, bytes).CopyTo(new Span<byte>(densePointer, bytes));
            }
        }
    }

    // The span only carries the device address; it is never read on the host.
    private static nint DevicePointer(OrtValue tensor)
        => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.GetTensorMutableRawData()));

    private long SlotBytes(int layer) => (long)_kvHeads * Capacity[layer] * _headSize * _elementBytes;

    private long Offset(int layer, int slot, int head, int column)
        => ((((long)slot * _kvHeads) + head) * Capacity[layer] + column) * _headSize * _elementBytes;

    public void Dispose()
    {
        if (_deviceAllocations is not null)
        {
            foreach (var allocation in _deviceAllocations)
            {
                allocation?.Dispose();
            }

            return;
        }

        for (var layer = 0; layer < _keys.Length; layer++)
        {
            NativeMemory.Free((void*)_keys[layer]);
            NativeMemory.Free((void*)_values[layer]);
            _keys[layer] = 0;
            _values[layer] = 0;
        }
    }
}
