using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Constraints;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Metrics;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Scheduling;

/// <summary>
/// Continuous batching on one thread that owns the engine. Each admitted request owns a KV slot
/// (see <see cref="KvSlotCache"/>) until it ends:
/// <code>
///   loop: free the slots of finished/cancelled rows ─► admit queued work into free slots
///         ─► one decode step over the slots in use ─► prefill chunks up to the token budget
/// </code>
/// A decode step covers slots [0, highest decoding slot]; slots in that range that are free or
/// still prefilling ride along as one harmless token each (written at their next free column,
/// which their own prefill overwrites), because a run of consecutive slots is a dense tensor and
/// an extra row costs far less than a second pass over the weights. Prompts are prefilled in
/// chunks of at most <see cref="InferenceEngine.PrefillChunk"/> tokens between decode steps, so a
/// long prompt delays running streams by one chunk, not by the whole prompt.
/// </summary>
internal sealed class BatchScheduler : IDisposable
{
    private readonly InferenceEngine _engine;
    private readonly TextTokenizer _tokenizer;
    private readonly SchedulerOptions _options;
    private readonly WorkerMetrics _metrics;
    private readonly UtilizationTracker _utilization;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<QueueEntry> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly HashSet<int> _eos;
    private readonly int[] _eosIds;
    private readonly SlotRow?[] _slots;
    private readonly List<SlotRow> _prefilling = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly int _padToken;
    private int[] _stepTokens = [];
    private int[] _stepPast = [];
    private Thread? _thread;
    private int _pending;
    private int _active;
    private volatile bool _admissionPaused;

    public BatchScheduler(InferenceEngine engine, TextTokenizer tokenizer, SchedulerOptions options, WorkerMetrics metrics, UtilizationTracker utilization, TimeProvider time, ILogger logger)
    {
        _engine = engine;
        _tokenizer = tokenizer;
        _options = options;
        _metrics = metrics;
        _utilization = utilization;
        _time = time;
        _logger = logger;
        _eos = [.. engine.Config.EosTokenIds];
        _eosIds = [.. _eos];
        _slots = new SlotRow?[options.MaxBatch];
        _padToken = engine.Config.PadTokenId is var pad && pad >= 0 && pad < engine.VocabSize ? pad : 0;
    }

    public int QueueDepth => Volatile.Read(ref _pending);

    public int ActiveSequences => Volatile.Read(ref _active);

    public void Start()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "slm-worker-scheduler" };
        _thread.Start();
    }

    /// <summary>Queues work; false when the queue already holds <see cref="SchedulerOptions.MaxQueue"/> items.</summary>
    public bool TryEnqueue(ISchedulerWork work)
    {
        if (Interlocked.Increment(ref _pending) > _options.MaxQueue)
        {
            Interlocked.Decrement(ref _pending);
            return false;
        }

        if (work is GenerationSequence sequence)
        {
            sequence.EnqueuedTimestamp = _time.GetTimestamp();
        }

        var entry = new QueueEntry(work);
        _queue.Enqueue(entry);
        entry.Registration = work.Cancellation.Register(() => AbandonQueued(entry));
        _metrics.QueueDepth.Set(QueueDepth);
        _wake.Release();
        return true;
    }

    private void AbandonQueued(QueueEntry entry)
    {
        if (entry.TryAbandon())
        {
            Interlocked.Decrement(ref _pending);
            _metrics.QueueDepth.Set(QueueDepth);
            _metrics.Requests.WithLabels(entry.Work is ClassifyJob ? "classify" : "generate", "cancelled").Inc();
            entry.Work.Abandon("cancelled");
        }
    }

    /// <summary>Stops admitting queued work (running rows continue); used to drain and by tests to hold work in the queue.</summary>
    internal void PauseAdmission() => _admissionPaused = true;

    internal void ResumeAdmission()
    {
        _admissionPaused = false;
        _wake.Release();
    }

    private void Loop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                ReleaseFinished();
                Admit();
                _utilization.SetDemand(_active + QueueDepth);
                if (_active == 0)
                {
                    _metrics.ActiveSequences.Set(0);
                    _wake.Wait(TimeSpan.FromMilliseconds(200));
                    continue;
                }

                _utilization.BeginBusy();
                try
                {
                    DecodeStep();
                    PrefillStep();
                }
                finally
                {
                    _utilization.EndBusy();
                }
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                SchedulerLog.StepFailed(_logger, ex);
                FailAll();
            }
        }
    }

    /// <summary>Frees the slots of rows that ended or whose caller went away; no other row is touched.</summary>
    private void ReleaseFinished()
    {
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is not { } row)
            {
                continue;
            }

            if (row.Generation is { IsFinished: false } sequence && sequence.Cancellation.IsCancellationRequested)
            {
                _metrics.Requests.WithLabels("generate", "cancelled").Inc();
                sequence.Finish(new GenerateResponse { FinishReason = "cancelled" });
            }
            else if (row.Work is ClassifyJob job && job.Cancellation.IsCancellationRequested)
            {
                _metrics.Requests.WithLabels("classify", "cancelled").Inc();
                job.Abandon("cancelled");
            }
            else if (row.Generation is not { IsFinished: true } && !(row.Work is ClassifyJob { IsDone: true }))
            {
                continue;
            }

            Free(row);
        }
    }

    private void Free(SlotRow row)
    {
        _slots[row.Slot] = null;
        _prefilling.Remove(row);
        _active--;
        _metrics.ActiveSequences.Set(_active);
    }

    private void Admit()
    {
        while (!_admissionPaused && _active < _slots.Length && _queue.TryDequeue(out var entry))
        {
            entry.Registration.Dispose();
            if (!entry.TryTake())
            {
                continue;
            }

            Interlocked.Decrement(ref _pending);
            _metrics.QueueDepth.Set(QueueDepth);
            var prompt = entry.Work switch
            {
                GenerationSequence sequence => sequence.PromptIds,
                ClassifyJob job => job.PromptIds,
                _ => throw new InvalidOperationException($"unknown work {entry.Work.GetType().Name}"),
            };

            // The lowest free slot keeps the decode range [0, highest decoding slot] short.
            var slot = Array.IndexOf(_slots, null);
            var row = new SlotRow(entry.Work, prompt, slot);
            _slots[slot] = row;
            _prefilling.Add(row);
            _active++;
            _metrics.ActiveSequences.Set(_active);
        }
    }

    private void DecodeStep()
    {
        var count = 0;
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { Decoding: true })
            {
                count = slot + 1;
            }
        }

        if (count == 0)
        {
            return;
        }

        EnsureStepBuffers(count);
        for (var slot = 0; slot < count; slot++)
        {
            var row = _slots[slot];
            _stepTokens[slot] = row is { Decoding: true } ? row.Generation!.LastToken : _padToken;
            _stepPast[slot] = row?.KvLength ?? 0;
        }

        _engine.Run(0, count, 1, _stepTokens, _stepPast);
        var decoding = 0;
        for (var slot = 0; slot < count; slot++)
        {
            if (_slots[slot] is not { Decoding: true } row)
            {
                continue;
            }

            decoding++;
            row.KvLength++;
            var sequence = row.Generation!;
            if (!sequence.Cancellation.IsCancellationRequested)
            {
                var logits = _engine.Logits(slot, 0);
                if (TrySample(sequence, logits, out var token, out var logprob))
                {
                    Accept(row, token, logprob, logits);
                }
            }
        }

        _metrics.BatchSize.Observe(decoding);
    }

    /// <summary>Runs prompt chunks, oldest admission first, until one chunk's worth of tokens has run.</summary>
    private void PrefillStep()
    {
        var budget = _engine.PrefillChunk;
        while (budget > 0 && _prefilling.Count > 0)
        {
            var row = _prefilling[0];
            if (row.Work.Cancellation.IsCancellationRequested)
            {
                _prefilling.RemoveAt(0);
                continue;
            }

            var take = Math.Min(row.PromptRemaining, _engine.Conventions.ChunkedPrefill ? budget : row.PromptRemaining);
            EnsureStepBuffers(take);
            for (var i = 0; i < take; i++)
            {
                _stepTokens[i] = row.PromptIds[row.KvLength + i];
            }

            _stepPast[0] = row.KvLength;
            _engine.Run(row.Slot, 1, take, _stepTokens, _stepPast);
            row.KvLength += take;
            budget -= take;
            if (row.PromptRemaining > 0)
            {
                continue;
            }

            _prefilling.RemoveAt(0);
            _metrics.PromptTokens.Inc(row.PromptIds.Count);
            var last = _engine.Logits(0, take - 1);
            if (row.Work is ClassifyJob job)
            {
                ScoreLabels(row, job, last);
                continue;
            }

            var sequence = row.Generation!;
            row.Decoding = true;
            _metrics.TimeToFirstToken.Observe(_time.GetElapsedTime(sequence.EnqueuedTimestamp).TotalSeconds);
            if (TrySample(sequence, last, out var token, out var logprob))
            {
                Accept(row, token, logprob, last);
            }
        }
    }

    /// <summary>
    /// Samples a row's next token; a constrained row samples among the tokens its constraint allows.
    /// False when the row has ended instead (its constraint left no token: finish reason "error").
    /// </summary>
    /// <remarks>
    /// The mask is written into the logits in place: they are this step's own host buffer, read
    /// once per row, and a copy of 152k floats per token would cost more than the mask. The
    /// log-probability reported stays the model's (normalised over the whole vocabulary, before
    /// masking): a token the constraint forced on an unwilling model shows as improbable, which is
    /// what confidence-based escalation needs to see. When the sampled token would leave too few
    /// tokens to complete the answer, the row is resampled among the tokens on a shortest completion.
    /// </remarks>
    private bool TrySample(GenerationSequence sequence, ReadOnlySpan<float> logits, out int token, out float logprob)
    {
        if (sequence.Constraint is not { } constraint)
        {
            (token, logprob) = sequence.Sampler.Next(logits);
            return true;
        }

        var writable = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(logits), logits.Length);
        var logSumExp = TokenSampler.LogSumExp(logits);
        var tokensAfter = sequence.MaxNewTokens - sequence.Generated.Count - 1;
        token = ConstrainedSampler.Next(sequence.Sampler, constraint, writable, tokensAfter, _eosIds, _time, out var maskSeconds);
        _metrics.ConstraintMask.Observe(maskSeconds);
        logprob = float.NegativeInfinity;
        if (token < 0)
        {
            SchedulerLog.ConstraintDeadEnd(_logger, sequence.RequestId, sequence.Generated.Count);
            _metrics.Requests.WithLabels("generate", "error").Inc();
            sequence.Finish(new GenerateResponse { FinishReason = "error" });
            return false;
        }

        logprob = logits[token] - logSumExp;
        return true;
    }

    private void ScoreLabels(SlotRow row, ClassifyJob job, ReadOnlySpan<float> promptLogits)
    {
        try
        {
            job.Complete(ClassifyScorer.Score(_engine, row.Slot, row.KvLength, promptLogits, job.LabelIds, _padToken));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            job.Fail(ex);
        }
    }

    private void Accept(SlotRow row, int token, float logprob, ReadOnlySpan<float> logits)
    {
        var sequence = row.Generation!;
        var now = _time.GetTimestamp();
        if (sequence.Generated.Count > 0)
        {
            _metrics.InterTokenLatency.Observe(_time.GetElapsedTime(sequence.LastTokenTimestamp, now).TotalSeconds);
        }

        sequence.LastTokenTimestamp = now;
        _metrics.CompletionTokens.Inc();
        _utilization.AddTokens(1);
        // A constrained row ends when its answer is complete, ignore_eos or not.
        var isEos = _eos.Contains(token) && (!sequence.IgnoreEos || sequence.Constraint is not null);
        sequence.LastToken = token;
        var probability = Math.Exp(logprob);
        sequence.ProbabilitySum += probability;
        sequence.MinProbability = Math.Min(sequence.MinProbability, probability);
        if (isEos)
        {
            FinishSequence(sequence, "stop", string.Empty, countToken: true);
            return;
        }

        sequence.Generated.Add(token);
        sequence.Constraint?.Advance(token);
        sequence.Detokenizer ??= new IncrementalDetokenizer(_tokenizer);
        var delta = sequence.Streamer.Append(sequence.Detokenizer.Push(token), out var stopped);
        var response = new GenerateResponse { Delta = delta };
        response.TokenIds.Add(token);
        if (sequence.WantsLogprobs)
        {
            response.Logprobs.Add(TokenLogprobOf(token, logprob, logits, sequence.TopLogprobs, sequence.Constraint is not null));
        }

        sequence.Emit(response);
        if (stopped)
        {
            FinishSequence(sequence, "stop", string.Empty, countToken: false);
        }
        else if (sequence.Constraint is { IsComplete: true, CanContinue: false })
        {
            // Nothing may follow a complete answer: end now rather than spend a step on end-of-sequence.
            FinishSequence(sequence, "stop", sequence.Streamer.Finish(sequence.Detokenizer.Flush(), out _), countToken: false);
        }
        else if (sequence.Generated.Count >= sequence.MaxNewTokens || row.KvLength + 1 > _engine.Conventions.MaxSequenceLength)
        {
            var tail = sequence.Streamer.Finish(sequence.Detokenizer.Flush(), out var stoppedAtEnd);
            FinishSequence(sequence, stoppedAtEnd ? "stop" : "length", tail, countToken: false);
        }
    }

    private TokenLogprob TokenLogprobOf(int token, float logprob, ReadOnlySpan<float> logits, int top, bool masked)
    {
        var entry = new TokenLogprob { Token = _tokenizer.Decode([token]), Logprob = logprob };
        if (top > 0)
        {
            Span<(int Token, float LogProbability)> best = stackalloc (int, float)[top];
            var count = TokenSampler.MostLikely(logits, best);
            // Masked logits: the alternatives are the most likely allowed tokens, shifted back to
            // the model's normaliser so that they compare with the token's own log-probability.
            var shift = masked ? TokenSampler.LogSumExp(logits) - (logits[token] - logprob) : 0f;
            for (var i = 0; i < count; i++)
            {
                best[i].LogProbability += shift;
            }

            for (var i = 0; i < count; i++)
            {
                entry.TopLogprobs.Add(new TokenLogprob { Token = _tokenizer.Decode([best[i].Token]), Logprob = best[i].LogProbability });
            }
        }

        return entry;
    }

    private void FinishSequence(GenerationSequence sequence, string reason, string delta, bool countToken)
    {
        var completion = sequence.Generated.Count + (countToken ? 1 : 0);
        sequence.Finish(new GenerateResponse
        {
            Delta = delta,
            FinishReason = reason,
            Usage = new Usage { PromptTokens = sequence.PromptIds.Count, CompletionTokens = completion },
            Confidence = new Confidence
            {
                MeanTokenProbability = (float)(sequence.ProbabilitySum / Math.Max(1, completion)),
                MinTokenProbability = (float)sequence.MinProbability,
            },
        });
        _metrics.Requests.WithLabels("generate", "ok").Inc();
        SchedulerLog.Finished(_logger, sequence.RequestId, reason, sequence.PromptIds.Count, completion);
    }

    private void EnsureStepBuffers(int length)
    {
        if (_stepTokens.Length < length)
        {
            _stepTokens = new int[Math.Max(length, _slots.Length)];
            _stepPast = new int[Math.Max(length, _slots.Length)];
        }
    }

    private void FailAll()
    {
        foreach (var row in _slots.OfType<SlotRow>().ToList())
        {
            if (row.Generation is { } sequence)
            {
                _metrics.Requests.WithLabels("generate", "error").Inc();
                sequence.Finish(new GenerateResponse { FinishReason = "error" });
            }
            else if (row.Work is ClassifyJob job)
            {
                job.Fail(new InvalidOperationException("the engine step failed"));
            }

            Free(row);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _wake.Release();
        _thread?.Join(TimeSpan.FromSeconds(10));
        while (_queue.TryDequeue(out var entry))
        {
            entry.Registration.Dispose();
            entry.Work.Abandon("shutdown");
        }

        foreach (var row in _slots.OfType<SlotRow>())
        {
            row.Work.Abandon("shutdown");
        }

        _stopping.Dispose();
        _wake.Dispose();
    }
}
