using System.Text.Json;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.Templating;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// A model folder's own chat templates and the special-token strings templates read. As in
/// transformers: <c>chat_template.jinja</c> (what transformers 5 writes) wins over
/// <c>tokenizer_config.json</c>'s <c>chat_template</c>, which is a string or a list of
/// <c>{name, template}</c> (then "default" is the template, and "tool_use" serves requests with tools);
/// <c>additional_chat_templates/*.jinja</c> adds named ones.
/// </summary>
internal sealed class ModelChatTemplates
{
    private const string TemplateFile = "chat_template.jinja";
    private const string ConfigFile = "tokenizer_config.json";
    private const string AdditionalFolder = "additional_chat_templates";

    /// <summary>The tokens transformers passes to templates (its SPECIAL_TOKENS_ATTRIBUTES), when the config sets them.</summary>
    private static readonly string[] SpecialTokenNames = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];

    private ModelChatTemplates(JinjaChatTemplate? @default, IReadOnlyDictionary<string, JinjaChatTemplate> named, IReadOnlyDictionary<string, object?> specialTokens, Func<DateTimeOffset> now)
    {
        Default = @default;
        Named = named;
        SpecialTokens = specialTokens;
        Now = now;
    }

    public static ModelChatTemplates None { get; } = new(null, new Dictionary<string, JinjaChatTemplate>(), new Dictionary<string, object?>(), TimeProvider.System.GetLocalNow);

    /// <summary>The template messages are rendered with; null when the model ships none.</summary>
    public JinjaChatTemplate? Default { get; }

    /// <summary>Named templates (tokenizer_config.json's list form, additional_chat_templates/), e.g. "tool_use".</summary>
    public IReadOnlyDictionary<string, JinjaChatTemplate> Named { get; }

    public IReadOnlyDictionary<string, object?> SpecialTokens { get; }

    /// <summary>"Now" for strftime_now: local time, as transformers uses, from the worker's TimeProvider.</summary>
    public Func<DateTimeOffset> Now { get; }

    /// <summary>
    /// Reads and parses the model's templates. A template that does not parse throws
    /// <see cref="ModelLoadException"/> naming the file, line and column; so does a tokenizer_config.json
    /// that is not JSON. <paramref name="modelName"/> names the model in render errors. With
    /// <paramref name="skipBroken"/> (the worker serves another template anyway), a template that does not
    /// parse is passed to it and left out instead.
    /// </summary>
    public static ModelChatTemplates Load(string directory, string modelName, Action<ModelLoadException>? skipBroken = null, TimeProvider? time = null)
    {
        Func<DateTimeOffset> now = (time ?? TimeProvider.System).GetLocalNow;
        JinjaChatTemplate? Parse(string source, string file, string description, IReadOnlyDictionary<string, object?> specialTokens)
        {
            try
            {
                return ParseTemplate(source, file, modelName, description, specialTokens, now);
            }
            catch (ModelLoadException ex) when (skipBroken is not null)
            {
                skipBroken(ex);
                return null;
            }
        }

        var configPath = Path.Combine(directory, ConfigFile);
        var specialTokens = new Dictionary<string, object?>(StringComparer.Ordinal);
        var named = new Dictionary<string, JinjaChatTemplate>(StringComparer.Ordinal);
        JinjaChatTemplate? fromConfig = null;
        if (File.Exists(configPath))
        {
            JsonDocument config;
            try
            {
                config = JsonDocument.Parse(File.ReadAllText(configPath));
            }
            catch (JsonException ex)
            {
                throw new ModelLoadException($"{ConfigFile} is not valid JSON ({configPath}): {ex.Message}", ex);
            }

            using (config)
            {
                ReadSpecialTokens(config.RootElement, specialTokens);
                fromConfig = ReadConfigTemplates(config.RootElement, specialTokens, named, Parse);
            }
        }

        var additional = Path.Combine(directory, AdditionalFolder);
        if (Directory.Exists(additional))
        {
            foreach (var file in Directory.EnumerateFiles(additional, "*.jinja").Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (Parse(File.ReadAllText(file), $"{AdditionalFolder}/{name}.jinja", $"model ({AdditionalFolder}/{name}.jinja)", specialTokens) is { } extra)
                {
                    named[name] = extra;
                }
            }
        }

        var templatePath = Path.Combine(directory, TemplateFile);
        var @default = File.Exists(templatePath)
            ? Parse(File.ReadAllText(templatePath), TemplateFile, $"model ({TemplateFile})", specialTokens)
            : fromConfig ?? named.GetValueOrDefault("default");
        return new ModelChatTemplates(@default, named, specialTokens, now);
    }

    private static void ReadSpecialTokens(JsonElement config, Dictionary<string, object?> specialTokens)
    {
        if (config.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException($"{ConfigFile}: expected a JSON object at the top level");
        }

        foreach (var name in SpecialTokenNames)
        {
            if (!config.TryGetProperty(name, out var token))
            {
                continue;
            }

            // A string, or an AddedToken object {"content": "...", ...}; null means unset.
            var text = token.ValueKind switch
            {
                JsonValueKind.String => token.GetString(),
                JsonValueKind.Object when token.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
                _ => null,
            };
            if (text is not null)
            {
                specialTokens[name] = text;
            }
        }
    }

    private delegate JinjaChatTemplate? TemplateParser(string source, string file, string description, IReadOnlyDictionary<string, object?> specialTokens);

    private static JinjaChatTemplate? ReadConfigTemplates(JsonElement config, Dictionary<string, object?> specialTokens, Dictionary<string, JinjaChatTemplate> named, TemplateParser parse)
    {
        if (!config.TryGetProperty("chat_template", out var template))
        {
            return null;
        }

        switch (template.ValueKind)
        {
            case JsonValueKind.String:
                return parse(template.GetString()!, $"{ConfigFile} chat_template", $"model ({ConfigFile})", specialTokens);
            case JsonValueKind.Array:
                foreach (var entry in template.EnumerateArray())
                {
                    if (entry.ValueKind != JsonValueKind.Object
                        || !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                        || !entry.TryGetProperty("template", out var text) || text.ValueKind != JsonValueKind.String)
                    {
                        throw new ModelLoadException($"{ConfigFile}: chat_template is a list whose entries must be {{\"name\": string, \"template\": string}}");
                    }

                    var label = name.GetString()!;
                    if (parse(text.GetString()!, $"{ConfigFile} chat_template \"{label}\"", $"model ({ConfigFile}, {label})", specialTokens) is { } parsed)
                    {
                        named[label] = parsed;
                    }
                }

                return named.GetValueOrDefault("default");
            case JsonValueKind.Null:
                return null;
            default:
                throw new ModelLoadException($"{ConfigFile}: chat_template must be a string or a list of {{\"name\", \"template\"}}, not {template.ValueKind}");
        }
    }

    private static JinjaChatTemplate ParseTemplate(
        string source, string file, string modelName, string description, IReadOnlyDictionary<string, object?> specialTokens, Func<DateTimeOffset> now)
    {
        try
        {
            return new JinjaChatTemplate(JinjaTemplate.Parse(source, $"{file} of {modelName}"), description, specialTokens, now);
        }
        catch (JinjaException ex)
        {
            throw new ModelLoadException(
                $"{file}: the model's chat template does not parse at line {ex.Line}, column {ex.Column}: {ex.Reason} "
                + "(serve it with --chat-template to use another template)", ex);
        }
    }
}
