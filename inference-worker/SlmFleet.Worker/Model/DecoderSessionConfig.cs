using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace SlmFleet.Worker.Model;

/// <summary>
/// genai_config.json's <c>model.decoder.session_options</c>, read with ONNX Runtime GenAI's key
/// names and rules: known keys set session options, any other string value becomes a session
/// config entry, and <c>provider_options</c> is a list of <c>{"name": {option: value}}</c> objects.
/// </summary>
internal sealed record DecoderSessionConfig(
    string? LogId,
    int? IntraOpThreads,
    int? InterOpThreads,
    int? LogSeverityLevel,
    int? LogVerbosityLevel,
    bool? EnableCpuMemArena,
    bool? EnableMemoryPattern,
    GraphOptimizationLevel? GraphOptimizationLevel,
    string? ProfilePrefix,
    IReadOnlyDictionary<string, string>? Cuda,
    IReadOnlyList<KeyValuePair<string, string>> ConfigEntries)
{
    /// <summary>Where this lives in genai_config.json; error messages start with it.</summary>
    public const string Field = "model.decoder.session_options";

    public static DecoderSessionConfig Empty { get; } = new(null, null, null, null, null, null, null, null, null, null, []);

    /// <summary>The provider names accepted in provider_options (case-insensitive, "ExecutionProvider" suffix optional).</summary>
    public static IReadOnlyList<string> AcceptedProviders { get; } = ["cuda", "cpu"];

    /// <summary>Reads <see cref="Field"/> from a genai_config.json file; <see cref="Empty"/> when it has none.</summary>
    public static DecoderSessionConfig Load(string genAiConfigPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(genAiConfigPath));
            return document.RootElement.TryGetProperty("model", out var model)
                && model.TryGetProperty("decoder", out var decoder)
                && decoder.TryGetProperty("session_options", out var options)
                    ? Parse(options)
                    : Empty;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            throw new ModelLoadException($"genai_config.json is unreadable ({genAiConfigPath}): {ex.Message}", ex);
        }
    }

    /// <summary>Parses the element; null, JSON null or an absent element mean no settings.</summary>
    /// <exception cref="ModelLoadException">A value has the wrong type, or a provider is not one this worker runs.</exception>
    public static DecoderSessionConfig Parse(JsonElement? element)
    {
        if (element is not { } options || options.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return Empty;
        }

        if (options.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(Field, $"expected an object, found {options.ValueKind}");
        }

        var config = Empty;
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var property in options.EnumerateObject())
        {
            var field = $"{Field}.{property.Name}";
            var value = property.Value;
            switch (property.Name)
            {
                case "log_id":
                    config = config with { LogId = String(value, field) };
                    break;
                case "intra_op_num_threads":
                    config = config with { IntraOpThreads = Count(value, field) };
                    break;
                case "inter_op_num_threads":
                    config = config with { InterOpThreads = Count(value, field) };
                    break;
                case "log_severity_level":
                    config = config with { LogSeverityLevel = Count(value, field) };
                    break;
                case "log_verbosity_level":
                    config = config with { LogVerbosityLevel = Count(value, field) };
                    break;
                case "enable_cpu_mem_arena":
                    config = config with { EnableCpuMemArena = Bool(value, field) };
                    break;
                case "enable_mem_pattern":
                    config = config with { EnableMemoryPattern = Bool(value, field) };
                    break;
                case "graph_optimization_level":
                    config = config with { GraphOptimizationLevel = Level(value, field) };
                    break;
                case "enable_profiling":
                    config = config with { ProfilePrefix = String(value, field) };
                    break;
                case "provider_options":
                    config = config with { Cuda = Providers(value, field) };
                    break;
                case "custom_ops_library":
                    // A model folder is downloaded data: it must not make the worker load native code.
                    throw Invalid(field, "custom operator libraries are not loaded by this worker; remove the key");
                default:
                    // ONNX Runtime GenAI passes every other string as a session config entry (e.g. "session.intra_op.allow_spinning").
                    entries.Add(new KeyValuePair<string, string>(property.Name, String(value, field)));
                    break;
            }
        }

        return config with { ConfigEntries = entries };
    }

    private static Dictionary<string, string>? Providers(JsonElement list, string field)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(field, $"expected a list like [{{\"cuda\": {{\"enable_cuda_graph\": \"0\"}}}}], found {list.ValueKind}");
        }

        Dictionary<string, string>? cuda = null;
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var itemField = $"{field}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(itemField, $"expected an object naming one provider, found {item.ValueKind}");
            }

            foreach (var provider in item.EnumerateObject())
            {
                switch (Normalize(provider.Name))
                {
                    case "cuda":
                        cuda = ProviderOptions(provider.Value, $"{itemField}.{provider.Name}");
                        break;
                    case "cpu":
                        break;
                    default:
                        throw Invalid(itemField, $"execution provider \"{provider.Name}\" is not supported by this worker; accepted: {string.Join(", ", AcceptedProviders.Select(p => $"\"{p}\""))}");
                }
            }
        }

        return cuda;
    }

    // ONNX Runtime GenAI's normalisation: case-insensitive, "CUDAExecutionProvider" == "cuda".
    private static string Normalize(string name)
    {
        var lower = name.ToLowerInvariant();
        const string Suffix = "executionprovider";
        return lower.Length > Suffix.Length && lower.EndsWith(Suffix, StringComparison.Ordinal) ? lower[..^Suffix.Length] : lower;
    }

    private static Dictionary<string, string> ProviderOptions(JsonElement options, string field)
    {
        if (options.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(field, $"expected an object of option names to values, found {options.ValueKind}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in options.EnumerateObject())
        {
            values[option.Name] = option.Value.ValueKind switch
            {
                JsonValueKind.String => option.Value.GetString()!,

                // GenAI wants strings; numbers and booleans are accepted as the text ONNX Runtime would parse.
                JsonValueKind.Number => option.Value.GetRawText(),
                JsonValueKind.True => "1",
                JsonValueKind.False => "0",
                _ => throw Invalid($"{field}.{option.Name}", $"expected a string value, found {option.Value.ValueKind}"),
            };
        }

        return values;
    }

    private static string String(JsonElement value, string field)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(field, $"expected a string, found {value.ValueKind}");

    private static int Count(JsonElement value, string field)
        => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0
            ? count
            : throw Invalid(field, $"expected a whole number >= 0, found {value.GetRawText()}");

    private static bool Bool(JsonElement value, string field)
        => value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw Invalid(field, $"expected true or false, found {value.GetRawText()}");

    private static GraphOptimizationLevel Level(JsonElement value, string field)
        => String(value, field) switch
        {
            "ORT_DISABLE_ALL" => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL,
            "ORT_ENABLE_BASIC" => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC,
            "ORT_ENABLE_EXTENDED" => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            "ORT_ENABLE_ALL" => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
            var other => throw Invalid(field, $"\"{other}\" is not a level; accepted: ORT_DISABLE_ALL, ORT_ENABLE_BASIC, ORT_ENABLE_EXTENDED, ORT_ENABLE_ALL"),
        };

    private static ModelLoadException Invalid(string field, string problem)
        => new(string.Create(CultureInfo.InvariantCulture, $"genai_config.json {field}: {problem}"));
}
