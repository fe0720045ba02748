using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Model;

/// <summary>A model folder ready to serve: the engine, its tokenizer and the provider it runs on.</summary>
internal sealed record LoadedModel(InferenceEngine Engine, TextTokenizer Tokenizer, string ExecutionProvider, long WeightBytes);
