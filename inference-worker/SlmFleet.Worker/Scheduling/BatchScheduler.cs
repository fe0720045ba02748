using System.Collections.Concurrent;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Metrics;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Scheduling;

/// <summary>
/// Continuous batching on one thread that owns the engine:
/// <code>
///   loop: drop finished/cancelled rows ─► admit queued work (prefill each, or run a classify)
///         ─► rebuild the batch cache if its rows changed ─► one decode step for every row
/// </code>
/// Rows are left-padded so every row's newest token sits in the last column; the attention mask
/// hides the padding. Between changes in membership, ORT's present tensors are fed back as the
/// next past without a copy.
/// </summary>
internal sealed class BatchScheduler : IDisposable
{
    /// <summary>Most prompt positions (arrivals × longest prompt) prefilled in one pass.</summary>
    private const int PrefillTokenBudget = 8192;

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
    private readonly List<GenerationSequence> _rows = [];
    private readonly CancellationTokenSource _stopping = new();
    private KvCache? _cache;
    private Thread? _thread;
    private int _pending;
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
    }

    public int QueueDepth => Volatile.Read(ref _pending);

    public int ActiveSequences { get; private set; }

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
                DropFinished();
                var admitted = Admit();
                if (_rows.Count == 0)
                {
                    ActiveSequences = 0;
                    _metrics.ActiveSequences.Set(0);
                    if (!admitted)
                    {
                        _wake.Wait(TimeSpan.FromMilliseconds(200));
                    }

                    continue;
                }

                DecodeStep();
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                SchedulerLog.StepFailed(_logger, ex);
                FailAll();
            }
        }
    }

    private void DropFinished()
    {
        if (_rows.TrueForAll(r => !r.IsFinished && !r.Cancellation.IsCancellationRequested))
        {
            return;
        }

        foreach (var row in _rows.Where(r => !r.IsFinished && r.Cancellation.IsCancellationRequested))
        {
            _metrics.Requests.WithLabels("generate", "cancelled").Inc();
            row.Finish(new GenerateResponse { FinishReason = "cancelled" });
        }

        Rebuild([.. _rows.Where(r => !r.IsFinished)], []);
    }

    private bool Admit()
    {
        var arrivals = new List<GenerationSequence>();
        var longest = 0;
        var any = false;
        while (!_admissionPaused && _rows.Count + arrivals.Count < _options.MaxBatch && _queue.TryPeek(out var next))
        {
            // A padded prefill costs arrivals × longest prompt (and as many logits rows); past the
            // budget the rest wait for the next loop, after one decode step for the running rows.
            if (next.Work is GenerationSequence candidate && arrivals.Count > 0
                && (arrivals.Count + 1) * Math.Max(longest, candidate.PromptIds.Count) > PrefillTokenBudget)
            {
                break;
            }

            _queue.TryDequeue(out var entry);
            entry!.Registration.Dispose();
            if (!entry.TryTake())
            {
                continue;
            }

            Interlocked.Decrement(ref _pending);
            _metrics.QueueDepth.Set(QueueDepth);
            any = true;
            if (entry.Work is ClassifyJob job)
            {
                _utilization.BeginBusy();
                try
                {
                    RunClassify(job);
                }
                finally
                {
                    _utilization.EndBusy();
                }
            }
            else if (entry.Work is GenerationSequence sequence)
            {
                arrivals.Add(sequence);
                longest = Math.Max(longest, sequence.PromptIds.Count);
            }
        }

        if (arrivals.Count > 0)
        {
            _utilization.BeginBusy();
            try
            {
                var prefill = Prefill(arrivals);
                var survivors = arrivals.Select((sequence, row) => (sequence, row)).Where(a => !a.sequence.IsFinished).ToList();
                if (survivors.Count > 0)
                {
                    Rebuild([.. _rows], survivors.Select(a => (a.sequence, prefill, a.row)).ToList());
                }

                prefill.Dispose();
            }
            finally
            {
                _utilization.EndBusy();
            }
        }

        return any;
    }

    /// <summary>
    /// Runs every arrival's prompt in one left-padded forward pass and samples each first token.
    /// Returns the prompts' cache; row i holds arrival i's last <c>PromptIds.Count</c> columns.
    /// </summary>
    private KvCache Prefill(List<GenerationSequence> arrivals)
    {
        var batch = arrivals.Count;
        var length = arrivals.Max(a => a.PromptIds.Count);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        var positions = new long[batch * length];
        for (var r = 0; r < batch; r++)
        {
            var prompt = arrivals[r].PromptIds;
            var pad = length - prompt.Count;
            for (var i = 0; i < prompt.Count; i++)
            {
                ids[(r * length) + pad + i] = prompt[i];
                mask[(r * length) + pad + i] = 1;
                positions[(r * length) + pad + i] = i;
            }
        }

        using var empty = _engine.EmptyCache(batch);
        using var output = _engine.Forward(ids, mask, positions, batch, length, empty);
        for (var r = 0; r < batch; r++)
        {
            var sequence = arrivals[r];
            sequence.KvLength = sequence.PromptIds.Count;
            _metrics.PromptTokens.Inc(sequence.PromptIds.Count);
            if (sequence.Cancellation.IsCancellationRequested)
            {
                continue;
            }

            var (token, logprob) = sequence.Sampler.Next(output.Logits(r, length - 1));
            _metrics.TimeToFirstToken.Observe(_time.GetElapsedTime(sequence.EnqueuedTimestamp).TotalSeconds);
            Accept(sequence, token, logprob);
        }

        return output.TakePresent();
    }

    private void DecodeStep()
    {
        var cache = _cache!;
        var batch = _rows.Count;
        var total = cache.Length + 1;
        var ids = new long[batch];
        var positions = new long[batch];
        var mask = new long[batch * total];
        for (var r = 0; r < batch; r++)
        {
            var row = _rows[r];
            ids[r] = row.LastToken;
            positions[r] = row.KvLength;
            mask.AsSpan((r * total) + (cache.Length - row.KvLength), row.KvLength + 1).Fill(1);
        }

        _utilization.BeginBusy();
        try
        {
            using var output = _engine.Forward(ids, mask, positions, batch, 1, cache);
            cache.Dispose();
            _cache = output.TakePresent();
            _metrics.BatchSize.Observe(batch);
            for (var r = 0; r < batch; r++)
            {
                var row = _rows[r];
                row.KvLength++;
                if (row.Cancellation.IsCancellationRequested)
                {
                    continue;
                }

                var (token, logprob) = row.Sampler.Next(output.Logits(r, 0));
                Accept(row, token, logprob);
            }
        }
        finally
        {
            _utilization.EndBusy();
        }
    }

    private void Accept(GenerationSequence sequence, int token, float logprob)
    {
        var now = _time.GetTimestamp();
        if (sequence.Generated.Count > 0)
        {
            _metrics.InterTokenLatency.Observe(_time.GetElapsedTime(sequence.LastTokenTimestamp, now).TotalSeconds);
        }

        sequence.LastTokenTimestamp = now;
        _metrics.CompletionTokens.Inc();
        _utilization.AddTokens(1);
        var isEos = _eos.Contains(token) && !sequence.IgnoreEos;
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
        var text = _tokenizer.Decode(sequence.Generated);
        var delta = sequence.Streamer.Push(text, out var stopped);
        var response = new GenerateResponse { Delta = delta };
        response.TokenIds.Add(token);
        if (sequence.WantsLogprobs)
        {
            response.Logprobs.Add(new TokenLogprob { Token = _tokenizer.Decode([token]), Logprob = logprob });
        }

        if (stopped)
        {
            sequence.Emit(response);
            FinishSequence(sequence, "stop", string.Empty, countToken: false);
        }
        else if (sequence.Generated.Count >= sequence.MaxNewTokens || sequence.KvLength >= _engine.Config.ContextLength)
        {
            sequence.Emit(response);
            FinishSequence(sequence, "length", sequence.Streamer.Flush(text), countToken: false);
        }
        else
        {
            sequence.Emit(response);
        }
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

    /// <summary>Replaces the batch cache with the given rows plus newly prefilled ones: the only KV copy.</summary>
    private void Rebuild(List<GenerationSequence> keep, List<(GenerationSequence Sequence, KvCache Cache, int Row)> added)
    {
        var sources = new List<KvCache>();
        var sourceRows = new List<int>();
        var lengths = new List<int>();
        foreach (var row in keep)
        {
            sources.Add(_cache!);
            sourceRows.Add(_rows.IndexOf(row));
            lengths.Add(row.KvLength);
        }

        foreach (var (sequence, cache, row) in added)
        {
            sources.Add(cache);
            sourceRows.Add(row);
            lengths.Add(sequence.KvLength);
        }

        var rebuilt = sources.Count == 0 ? null : KvCache.Gather(sources, sourceRows, lengths, _engine.Config.KeyValueHeads, _engine.Config.HeadSize);
        _cache?.Dispose();
        _cache = rebuilt;
        _rows.Clear();
        _rows.AddRange(keep);
        _rows.AddRange(added.Select(a => a.Sequence));
        ActiveSequences = _rows.Count;
        _metrics.ActiveSequences.Set(_rows.Count);
    }

    private void RunClassify(ClassifyJob job)
    {
        try
        {
            job.Complete(ClassifyScorer.Score(_engine, job.PromptIds, job.LabelIds));
            _metrics.PromptTokens.Inc(job.PromptIds.Count);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            job.Fail(ex);
        }
    }

    private void FailAll()
    {
        foreach (var row in _rows)
        {
            _metrics.Requests.WithLabels("generate", "error").Inc();
            row.Finish(new GenerateResponse { FinishReason = "error" });
        }

        _rows.Clear();
        _cache?.Dispose();
        _cache = null;
        ActiveSequences = 0;
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

        foreach (var row in _rows)
        {
            row.Abandon("shutdown");
        }

        _cache?.Dispose();
        _stopping.Dispose();
        _wake.Dispose();
    }
}
