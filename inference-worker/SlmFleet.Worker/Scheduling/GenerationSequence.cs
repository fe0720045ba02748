using System.Threading.Channels;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Constraints;
using SlmFleet.Worker.Engine;

namespace SlmFleet.Worker.Scheduling;

/// <summary>One generation request as it moves through the scheduler: its tokens, sampler, and output stream.</summary>
internal sealed class GenerationSequence : ISchedulerWork
{
    private readonly Channel<GenerateResponse> _output = Channel.CreateUnbounded<GenerateResponse>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public GenerationSequence(
        IReadOnlyList<int> promptIds, int maxNewTokens, TokenSampler sampler, IReadOnlyList<string> stops,
        bool logprobs, bool ignoreEos, CancellationToken cancellation, string requestId = "", int topLogprobs = 0, ConstraintMatcher? constraint = null)
    {
        Constraint = constraint;
        TopLogprobs = topLogprobs;
        PromptIds = promptIds;
        MaxNewTokens = maxNewTokens;
        Sampler = sampler;
        Streamer = new StopSequenceStreamer(stops);
        WantsLogprobs = logprobs;
        IgnoreEos = ignoreEos;
        Cancellation = cancellation;
        RequestId = requestId;
    }

    /// <summary>The caller's id, for logs only.</summary>
    public string RequestId { get; }

    public IReadOnlyList<int> PromptIds { get; }

    public int MaxNewTokens { get; }

    public TokenSampler Sampler { get; }

    public StopSequenceStreamer Streamer { get; }

    /// <summary>The row's position in its output constraint, or null for free text.</summary>
    public ConstraintMatcher? Constraint { get; }

    /// <summary>Turns each new token into text in constant time; created by the scheduler at the first token.</summary>
    public IncrementalDetokenizer? Detokenizer { get; set; }

    public bool WantsLogprobs { get; }

    /// <summary>How many alternatives each token's log-probability lists (0 = none).</summary>
    public int TopLogprobs { get; }

    public bool IgnoreEos { get; }

    public CancellationToken Cancellation { get; }

    public List<int> Generated { get; } = [];

    public int LastToken { get; set; }

    public bool IsFinished { get; private set; }

    public double ProbabilitySum { get; set; }

    public double MinProbability { get; set; } = 1.0;

    public long LastTokenTimestamp { get; set; }

    public long EnqueuedTimestamp { get; set; }

    public ChannelReader<GenerateResponse> Output => _output.Reader;

    public void Emit(GenerateResponse response) => _output.Writer.TryWrite(response);

    public void Finish(GenerateResponse final)
    {
        IsFinished = true;
        _output.Writer.TryWrite(final);
        _output.Writer.TryComplete();
    }

    public void Abandon(string reason)
    {
        IsFinished = true;
        _output.Writer.TryComplete();
    }
}
