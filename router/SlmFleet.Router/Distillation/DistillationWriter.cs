using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Observability;
using SlmFleet.Router.OpenAi;
using SlmFleet.Router.Routing;

namespace SlmFleet.Router.Distillation;

/// <summary>
/// Writes a policy's distillation set (see <see cref="DistillationSpec"/>): for each recorded
/// escalation, one line of OpenAI's fine-tuning chat format in <c>{dir}/{alias}/{yyyy-MM-dd}-{n}.jsonl</c>
/// and one line of metadata at the same line number in the <c>.meta.jsonl</c> beside it.
/// <para>
/// The request path only redacts, serialises and enqueues (a bounded channel); one background loop
/// appends to the files, rotating by UTC day and by size. A full queue, a missing directory or a
/// failing disk drops the record and counts it in <c>slm_router_distillation_dropped_total</c> by
/// reason: nothing is lost silently, and nothing blocks a client.
/// </para>
/// </summary>
internal sealed class DistillationWriter : BackgroundService
{
    private const int QueueCapacity = 4096;
    private static readonly string[] DefaultReasons = [RouteReasons.LowConfidence, RouteReasons.SchemaFail];
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private readonly string? _directory;
    private readonly RouterMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<DistillationWriter> _logger;
    private readonly Channel<Entry> _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, (List<RedactionRule>? Rules, Regex[] Compiled)> _redactions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenFile> _files = new(StringComparer.Ordinal);

    public DistillationWriter(RouterOptions options, RouterMetrics metrics, TimeProvider time, ILogger<DistillationWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _directory = string.IsNullOrEmpty(options.DistillationDir) ? null : options.DistillationDir;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Records written to disk (tests wait on it).</summary>
    public long Written => Interlocked.Read(ref _written);

    private long _written;

    /// <summary>
    /// Records an escalation the LLM answered, when the policy's distillation set asks for its reason.
    /// <paramref name="llmAnswer"/> is null for a streamed answer (not kept), which is counted as dropped.
    /// </summary>
    public void Record(RoutingPolicySpec policy, ParsedRequest request, string reason, string? llmAnswer, string? slmAnswer, double? confidence, string? task)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(request);
        if (policy.Distillation is not { Enabled: true } distillation || !(distillation.Reasons ?? [.. DefaultReasons]).Contains(reason, StringComparer.Ordinal))
        {
            return;
        }

        var model = policy.ModelAlias;
        if (_directory is null)
        {
            Drop(model, "no_directory");
            return;
        }

        if (llmAnswer is null)
        {
            Drop(model, "streamed");
            return;
        }

        string line, meta;
        try
        {
            var redactions = Redactions(model, distillation);
            line = TrainingLine(request, llmAnswer, redactions);
            meta = MetaLine(model, reason, task, confidence, slmAnswer, redactions);
        }
        catch (RegexMatchTimeoutException)
        {
            // A redaction that cannot finish must not let the unredacted text through.
            Drop(model, "redaction_timeout");
            return;
        }

        if (!_queue.Writer.TryWrite(new Entry(model, distillation.MaxFileMiB, line, meta)))
        {
            Drop(model, "queue_full");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var entry in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Append(entry);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: write what is already queued.
            while (_queue.Reader.TryRead(out var entry))
            {
                Append(entry);
            }
        }
        finally
        {
            foreach (var file in _files.Values)
            {
                file.Dispose();
            }

            _files.Clear();
        }
    }

    private void Append(Entry entry)
    {
        try
        {
            var file = FileFor(entry);
            file.Training.Write(entry.Line);
            file.Training.Write('\n');
            file.Meta.Write(entry.Meta);
            file.Meta.Write('\n');
            file.Training.Flush();
            file.Meta.Flush();
            Interlocked.Increment(ref _written);
            _metrics.DistillationRecords.WithLabels(entry.Model).Inc();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Drop(entry.Model, "write_failed");
            RouterLog.DistillationWriteFailed(_logger, entry.Model, ex.GetType().Name, ex.Message);
            if (_files.Remove(entry.Model, out var broken))
            {
                broken.Dispose();
            }
        }
    }

    private OpenFile FileFor(Entry entry)
    {
        var day = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (_files.TryGetValue(entry.Model, out var open) && open.Day == day && open.Training.BaseStream.Length < entry.MaxFileMiB * 1024L * 1024L)
        {
            return open;
        }

        open?.Dispose();
        var folder = Path.Combine(_directory!, SafeName(entry.Model));
        Directory.CreateDirectory(folder);
        // The next free sequence number of the day: a restart never appends to, or overwrites, an earlier file.
        var sequence = 1;
        while (File.Exists(Path.Combine(folder, $"{day}-{sequence:D4}.jsonl")))
        {
            sequence++;
        }

        var path = Path.Combine(folder, $"{day}-{sequence:D4}");
        var file = new OpenFile(day, Writer(path + ".jsonl"), Writer(path + ".meta.jsonl"));
        _files[entry.Model] = file;
        return file;
    }

    private static StreamWriter Writer(string path) =>
        new(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    /// <summary>A model alias as a folder name: anything but letters, digits, dot, dash and underscore becomes an underscore.</summary>
    private static string SafeName(string alias)
    {
        var name = new StringBuilder(alias.Length);
        foreach (var c in alias)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return name.ToString() is "." or ".." ? "_" : name.ToString();
    }

    /// <summary>The policy's compiled redactions, cached until its spec object changes.</summary>
    private (List<RedactionRule>? Rules, Regex[] Compiled) Redactions(string model, DistillationSpec distillation)
    {
        var cached = _redactions.GetValueOrDefault(model);
        if (cached.Compiled is not null && ReferenceEquals(cached.Rules, distillation.Redact))
        {
            return cached;
        }

        // Patterns were checked when the policy was loaded (PolicyValidator), so they compile here.
        var compiled = (distillation.Redact ?? []).Select(r => new Regex(r.Pattern, RegexOptions.CultureInvariant, RegexTimeout)).ToArray();
        cached = (distillation.Redact, compiled);
        _redactions[model] = cached;
        return cached;
    }

    private static string Redact(string text, (List<RedactionRule>? Rules, Regex[] Compiled) redactions)
    {
        for (var i = 0; i < redactions.Compiled.Length; i++)
        {
            text = redactions.Compiled[i].Replace(text, redactions.Rules![i].Replacement);
        }

        return text;
    }

    private static string TrainingLine(ParsedRequest request, string llmAnswer, (List<RedactionRule>? Rules, Regex[] Compiled) redactions)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("messages");
            if (request.Body.Messages is { } messages)
            {
                foreach (var message in messages)
                {
                    json.WriteStartObject();
                    json.WriteString("role", message.Role);
                    json.WriteString("content", Redact(message.Content ?? string.Empty, redactions));
                    json.WriteEndObject();
                }
            }
            else
            {
                json.WriteStartObject();
                json.WriteString("role", "user");
                json.WriteString("content", Redact(request.PromptText, redactions));
                json.WriteEndObject();
            }

            json.WriteStartObject();
            json.WriteString("role", "assistant");
            json.WriteString("content", Redact(llmAnswer, redactions));
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private string MetaLine(string model, string reason, string? task, double? confidence, string? slmAnswer, (List<RedactionRule>? Rules, Regex[] Compiled) redactions)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", _time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("model", model);
            json.WriteString("reason", reason);
            if (task is not null)
            {
                json.WriteString("task", task);
            }

            if (confidence is { } value)
            {
                json.WriteNumber("confidence", Math.Round(value, 4));
            }

            if (slmAnswer is not null)
            {
                json.WriteString("slm_answer", Redact(slmAnswer, redactions));
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void Drop(string model, string reason) => _metrics.DistillationDropped.WithLabels(model, reason).Inc();

    private sealed record Entry(string Model, int MaxFileMiB, string Line, string Meta);

    private sealed class OpenFile(string day, StreamWriter training, StreamWriter meta) : IDisposable
    {
        public string Day { get; } = day;

        public StreamWriter Training { get; } = training;

        public StreamWriter Meta { get; } = meta;

        public void Dispose()
        {
            Training.Dispose();
            Meta.Dispose();
        }
    }
}
