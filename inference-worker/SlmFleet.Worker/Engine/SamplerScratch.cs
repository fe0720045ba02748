namespace SlmFleet.Worker.Engine;

/// <summary>
/// Buffers the sampler reuses across calls. They are per thread rather than per sampler because
/// every sequence has its own sampler while the scheduler samples all rows from one thread: at a
/// 152k vocabulary a set is a few MB, paid once per thread instead of once per request.
/// </summary>
internal sealed class SamplerScratch
{
    [ThreadStatic]
    private static SamplerScratch? _current;

    private float[] _clean = [];
    private float[] _scaled = [];
    private float[] _weights = [];
    private LogitCandidate[] _candidates = [];
    private LogitCandidate[] _boundary = [];
    private double[] _candidateWeights = [];
    private double[] _binMass = [];

    public static SamplerScratch Current => _current ??= new SamplerScratch();

    /// <summary>Logits with NaN and +inf replaced; see <see cref="TokenSampler"/>.</summary>
    public Span<float> Clean(int length) => Sized(ref _clean, length);

    /// <summary>(logit - max) / temperature per token.</summary>
    public Span<float> Scaled(int length) => Sized(ref _scaled, length);

    /// <summary>exp of <see cref="Scaled"/>: unnormalised probabilities after temperature.</summary>
    public Span<float> Weights(int length) => Sized(ref _weights, length);

    public Span<LogitCandidate> Candidates(int length) => Sized(ref _candidates, length);

    /// <summary>The tokens of the top-p boundary bin (see <see cref="NucleusSelector"/>).</summary>
    public Span<LogitCandidate> Boundary(int length) => Sized(ref _boundary, length);

    public Span<double> CandidateWeights(int length) => Sized(ref _candidateWeights, length);

    public Span<double> BinMass(int length) => Sized(ref _binMass, length);

    private static Span<T> Sized<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }

        return buffer.AsSpan(0, length);
    }
}
