using SlmFleet.Inference.V1;

namespace SlmFleet.Router.Routing;

/// <summary>
/// The start of a streamed SLM answer that the router withholds while it measures confidence: it
/// collects each choice's token probabilities and says when the window closes (every choice finished,
/// every unfinished choice has <c>tokens</c> tokens, or the time is up and every unfinished choice has
/// at least one). Pure bookkeeping: no clock of its own, no I/O.
/// </summary>
internal sealed class HoldBackWindow
{
    private readonly int _holdTokens;
    private readonly TimeSpan _holdTime;
    private readonly int[] _tokens;
    private readonly double[] _probabilitySum;
    private readonly double[] _minProbability;
    private readonly GenerateResponse?[] _final;

    public HoldBackWindow(int choices, int holdTokens, TimeSpan holdTime)
    {
        _holdTokens = holdTokens;
        _holdTime = holdTime;
        _tokens = new int[choices];
        _probabilitySum = new double[choices];
        _minProbability = new double[choices];
        Array.Fill(_minProbability, 1.0);
        _final = new GenerateResponse?[choices];
    }

    public bool AllFinished => Array.TrueForAll(_final, f => f is not null);

    /// <summary>Each choice's last message (finish reason, usage, whole-answer confidence), once it has ended.</summary>
    public IReadOnlyList<GenerateResponse?> Final => _final;

    public void Add(int choice, GenerateResponse message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var token in message.Logprobs)
        {
            var probability = Math.Exp(token.Logprob);
            _tokens[choice]++;
            _probabilitySum[choice] += probability;
            _minProbability[choice] = Math.Min(_minProbability[choice], probability);
        }

        if (message.FinishReason.Length > 0)
        {
            _final[choice] = message;
        }
    }

    /// <summary>Whether the window has closed, <paramref name="elapsed"/> after the request arrived.</summary>
    public bool Closed(TimeSpan elapsed)
    {
        var enoughTokens = true;
        var everyOneHasAToken = true;
        for (var i = 0; i < _tokens.Length; i++)
        {
            if (_final[i] is not null)
            {
                continue;
            }

            enoughTokens &= _tokens[i] >= _holdTokens;
            everyOneHasAToken &= _tokens[i] > 0;
        }

        return enoughTokens || (elapsed >= _holdTime && everyOneHasAToken);
    }

    /// <summary>
    /// Confidence over what the window holds, the least confident choice deciding: a finished choice
    /// counts with the worker's whole-answer figures (end-of-sequence token included), an unfinished
    /// one with the tokens so far.
    /// </summary>
    public (double Mean, double Min) Confidence()
    {
        double mean = 1, min = 1;
        for (var i = 0; i < _tokens.Length; i++)
        {
            var (choiceMean, choiceMin) = _final[i]?.Confidence is { } whole
                ? (whole.MeanTokenProbability, whole.MinTokenProbability)
                : _tokens[i] == 0 ? (0.0, 0.0) : (_probabilitySum[i] / _tokens[i], _minProbability[i]);
            mean = Math.Min(mean, choiceMean);
            min = Math.Min(min, choiceMin);
        }

        return (mean, min);
    }
}
