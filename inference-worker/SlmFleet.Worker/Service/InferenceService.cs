using Grpc.Core;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Constraints;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Hosting;
using SlmFleet.Worker.Scheduling;

namespace SlmFleet.Worker.Service;

/// <summary>The Inference gRPC service: validates, tokenizes and hands work to the scheduler.</summary>
internal sealed class InferenceService(WorkerState state) : Inference.V1.Inference.InferenceBase
{
    public override async Task Generate(GenerateRequest request, IServerStreamWriter<GenerateResponse> responseStream, ServerCallContext context)
    {
        var sequence = Guard("generate", () => CreateSequence(request, context.CancellationToken));
        if (!state.Scheduler.TryEnqueue(sequence))
        {
            state.Metrics.Requests.WithLabels("generate", "resource_exhausted").Inc();
            throw QueueFull();
        }

        await foreach (var response in sequence.Output.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(response, context.CancellationToken);
        }
    }

    public override async Task<ClassifyResponse> Classify(ClassifyRequest request, ServerCallContext context)
    {
        var job = Guard("classify", () => CreateClassifyJob(request, context.CancellationToken));
        if (!state.Scheduler.TryEnqueue(job))
        {
            state.Metrics.Requests.WithLabels("classify", "resource_exhausted").Inc();
            throw QueueFull();
        }

        double[] logLikelihoods;
        try
        {
            logLikelihoods = await job.Result.WaitAsync(context.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not RpcException)
        {
            // The engine refused the run (an ONNX Runtime error): the caller gets the reason, the worker keeps serving.
            state.Metrics.Requests.WithLabels("classify", "error").Inc();
            throw new RpcException(new Status(StatusCode.Internal, $"classify failed in the engine: {ex.Message}"));
        }

        var max = logLikelihoods.Max();
        var weights = logLikelihoods.Select(l => Math.Exp(l - max)).ToArray();
        var total = weights.Sum();
        var response = new ClassifyResponse
        {
            Usage = new Usage { PromptTokens = job.PromptIds.Count, CompletionTokens = 0 },
        };
        response.Scores.AddRange(request.Labels
            .Select((label, i) => new LabelScore { Label = label, LogLikelihood = logLikelihoods[i], Probability = weights[i] / total })
            .OrderByDescending(s => s.Probability));
        response.Label = response.Scores[0].Label;
        response.Confidence = response.Scores[0].Probability;
        state.Metrics.Requests.WithLabels("classify", "ok").Inc();
        return response;
    }

    public override Task<StatsResponse> Stats(StatsRequest request, ServerCallContext context) => Task.FromResult(new StatsResponse
    {
        Utilization = state.Utilization.Utilization(),
        CapacityUtilization = state.Utilization.CapacityUtilization(),
        MaxBatch = state.Options.MaxBatch,
        WindowSeconds = state.Utilization.Window.TotalSeconds,
        QueueDepth = state.Scheduler.QueueDepth,
        ActiveSequences = state.Scheduler.ActiveSequences,
        TokensPerSecond = state.Utilization.TokensPerSecond(),
        Warm = state.IsWarm,
        WarmupSeconds = state.WarmupSeconds,
        ExecutionProvider = state.Model.ExecutionProvider,
        Model = state.ServedName,
        Tokenizer = state.Model.Tokenizer.Family,
        ChatTemplate = state.ChatTemplates.Default.Description,
    });

    private T Guard<T>(string rpc, Func<T> create)
    {
        if (state.IsDraining)
        {
            state.Metrics.Requests.WithLabels(rpc, "unavailable").Inc();
            throw new RpcException(new Status(StatusCode.Unavailable, "the worker is shutting down and finishing its running requests; retry on another replica"));
        }

        if (!state.IsWarm)
        {
            state.Metrics.Requests.WithLabels(rpc, "unavailable").Inc();
            throw new RpcException(new Status(StatusCode.Unavailable, "the worker is warming up; retry when grpc.health.v1 reports SERVING"));
        }

        try
        {
            return create();
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.OutOfRange)
        {
            state.Metrics.Requests.WithLabels(rpc, ex.StatusCode == StatusCode.OutOfRange ? "out_of_range" : "invalid_argument").Inc();
            throw;
        }
    }

    private GenerationSequence CreateSequence(GenerateRequest request, CancellationToken cancellation)
    {
        var config = state.Model.Engine.Config;
        var sampling = RequestValidator.Sampling(request.Sampling);
        var stops = RequestValidator.Stops(request.Stop);
        var ids = request.PromptTokenIds.Count > 0
            ? RequestValidator.PromptTokenIds(request, config.VocabSize)
            // A chat template writes BOS and turn markers itself; a raw prompt gets what the tokenizer adds (see TextTokenizer).
            : state.Model.Tokenizer.Encode(RequestValidator.RenderPrompt(request.Prompt, request.Messages, request.ChatTemplate, state.ChatTemplates), addSpecialTokens: request.Messages.Count == 0);
        if (ids.Count == 0)
        {
            throw RequestValidator.Invalid("prompt: encodes to zero tokens; send a non-empty prompt");
        }

        var maxNew = RequestValidator.MaxNewTokens(request.MaxNewTokens, ids.Count, state.Model.Engine.Conventions.MaxSequenceLength, state.Options.DefaultMaxNewTokens);
        var topLogprobs = RequestValidator.TopLogprobs(request);
        var seed = request.Sampling?.HasSeed == true ? unchecked((int)(request.Sampling.Seed ^ (request.Sampling.Seed >> 32))) : state.NextSeed();
        var constraint = Constraint(request);
        return new GenerationSequence(ids, maxNew, new TokenSampler(sampling, new Random(seed)), stops, request.Logprobs, request.IgnoreEos, cancellation, request.RequestId, topLogprobs, constraint);
    }

    /// <summary>The request's output constraint, compiled (or from the cache); a constraint that does not compile is INVALID_ARGUMENT naming the keyword.</summary>
    private ConstraintMatcher? Constraint(GenerateRequest request)
    {
        var spec = RequestValidator.Constraint(request);
        if (spec is null)
        {
            return null;
        }

        try
        {
            return new ConstraintMatcher(state.Constraints.Compile(spec));
        }
        catch (ConstraintException ex)
        {
            throw RequestValidator.Invalid(ex.Message);
        }
    }

    private ClassifyJob CreateClassifyJob(ClassifyRequest request, CancellationToken cancellation)
    {
        var maxSequence = state.Model.Engine.Conventions.MaxSequenceLength;
        var prompt = RequestValidator.RenderPrompt(request.Prompt, request.Messages, request.ChatTemplate, state.ChatTemplates);
        var labels = RequestValidator.Labels(request.Labels);
        var (ids, labelIds) = LabelTokenization.Split(state.Model.Tokenizer, prompt, labels, addSpecialTokens: request.Messages.Count == 0);
        if (ids.Count == 0)
        {
            throw RequestValidator.Invalid("prompt: encodes to zero tokens; send a non-empty prompt");
        }

        var emptyLabel = labelIds.ToList().FindIndex(l => l.Count == 0);
        if (emptyLabel >= 0)
        {
            throw RequestValidator.Invalid($"labels[{emptyLabel}]: \"{labels[emptyLabel]}\" encodes to zero tokens; send a non-empty label");
        }

        var longest = labelIds.Max(l => l.Count);
        if (ids.Count + longest > maxSequence)
        {
            throw RequestValidator.TooLong($"prompt: {ids.Count} tokens plus the longest label ({longest} tokens) exceed the maximum sequence length {maxSequence}");
        }

        return new ClassifyJob(ids, labelIds, cancellation);
    }

    /// <summary>Trailer with the worker's retry hint; gRPC has no Retry-After, and the router turns this into one.</summary>
    internal const string RetryAfterTrailer = "retry-after-ms";

    /// <summary>
    /// Queue full. The hint is one second: queued work drains in well under that on a warm GPU, and
    /// a caller that retries sooner would only find the queue full again.
    /// </summary>
    private RpcException QueueFull() => new(
        new Status(
            StatusCode.ResourceExhausted,
            $"queue full: {state.Scheduler.QueueDepth} requests waiting (--max-queue {state.Options.MaxQueue}); retry later or on another replica"),
        new Metadata { { RetryAfterTrailer, "1000" } });
}
