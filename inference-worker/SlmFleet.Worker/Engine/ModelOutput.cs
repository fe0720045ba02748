using Microsoft.ML.OnnxRuntime;

namespace SlmFleet.Worker.Engine;

/// <summary>Logits [batch, sequence, vocab] of one forward pass, and the cache it produced.</summary>
internal sealed class ModelOutput(IDisposableReadOnlyCollection<OrtValue> owned, OrtValue logits, KvCache present, int sequenceLength, int vocabSize) : IDisposable
{
    private bool _presentTaken;

    public KvCache Present => present;

    /// <summary>Logits of one position of one row.</summary>
    public ReadOnlySpan<float> Logits(int row, int position)
        => logits.GetTensorDataAsSpan<float>().Slice(((row * sequenceLength) + position) * vocabSize, vocabSize);

    /// <summary>The caller keeps the present cache alive beyond this output (it becomes the next step's past).</summary>
    public KvCache TakePresent()
    {
        _presentTaken = true;
        return present;
    }

    public void Dispose()
    {
        logits.Dispose();
        if (!_presentTaken)
        {
            present.Dispose();
        }

        // The collection owns the same OrtValues; they are disposed individually above.
        GC.KeepAlive(owned);
    }
}
