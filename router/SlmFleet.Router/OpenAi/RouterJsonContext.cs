using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>Source-generated serializers: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(ModelListDto))]
[JsonSerializable(typeof(ModelDto))]
[JsonSerializable(typeof(UsageDto))]
[JsonSerializable(typeof(string))]
internal sealed partial class RouterJsonContext : JsonSerializerContext;
