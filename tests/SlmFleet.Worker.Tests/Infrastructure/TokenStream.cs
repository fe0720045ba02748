using Grpc.Core;
using SlmFleet.Inference.V1;

namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>One Generate call read to its end, collecting the token ids; can be cancelled mid-stream.</summary>
public sealed class TokenStream
{
    private readonly TaskCompletionSource _firstTokens = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cancel = new();
    private readonly int _signalAfter;

    private TokenStream(int signalAfter) => _signalAfter = signalAfter;

    public List<int> Tokens { get; } = [];

    public string FinishReason { get; private set; } = string.Empty;

    public StatusCode? Status { get; private set; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Completes once <c>signalAfter</c> tokens have arrived (or the stream ended).</summary>
    public Task FirstTokens => _firstTokens.Task;

    public static TokenStream Start(Inference.V1.Inference.InferenceClient client, IReadOnlyList<int> promptIds, int newTokens, int signalAfter = 1)
    {
        var stream = new TokenStream(signalAfter);
        var request = new GenerateRequest { MaxNewTokens = newTokens, IgnoreEos = true };
        request.PromptTokenIds.AddRange(promptIds);
        stream.Completion = stream.ReadAsync(client, request);
        return stream;
    }

    public void Cancel() => _cancel.Cancel();

    private async Task ReadAsync(Inference.V1.Inference.InferenceClient client, GenerateRequest request)
    {
        try
        {
            using var call = client.Generate(request, deadline: DateTime.UtcNow.AddMinutes(3), cancellationToken: _cancel.Token);
            while (await call.ResponseStream.MoveNext(_cancel.Token))
            {
                var message = call.ResponseStream.Current;
                Tokens.AddRange(message.TokenIds);
                if (message.FinishReason.Length > 0)
                {
                    FinishReason = message.FinishReason;
                }

                if (Tokens.Count >= _signalAfter)
                {
                    _firstTokens.TrySetResult();
                }
            }
        }
        catch (RpcException ex)
        {
            Status = ex.StatusCode;
        }
        finally
        {
            _firstTokens.TrySetResult();
        }
    }
}
