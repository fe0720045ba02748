using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Api.Validation;

/// <summary>
/// The C# twin of every <see cref="Schema.CelRuleAttribute"/> rule, keyed by the CEL text. The API
/// server evaluates the CEL; the operator and tests evaluate these predicates, so a cluster without
/// CEL support (or the in-process test API server) rejects the same objects. A test checks that every
/// rule on the types has an entry here.
/// </summary>
public static class CrossFieldRules
{
    /// <summary>SlmDeployment: <c>minReplicas &lt;= maxReplicas</c>.</summary>
    public const string MinNotAboveMax = "self.minReplicas <= self.maxReplicas";

    /// <summary>SlmDeployment: the CUDA execution provider needs a GPU accelerator.</summary>
    public const string CudaNeedsGpu = "self.accelerator.type != 'cpu' || !has(self.runtime) || self.runtime.executionProvider != 'cuda'";

    /// <summary>
    /// Model: no chat template (the worker renders the model's own), a preset, a one-message format with a
    /// <c>{content}</c> placeholder (<c>{{content}}</c> contains it), or a Jinja template that reads
    /// <c>messages</c>. The same forms the worker's <c>--chat-template</c> accepts, except that a Jinja
    /// template that never reads the conversation is refused here: the worker would render it as a
    /// constant prompt, which is a mistake (a one-message format that lost its placeholder), not a choice.
    /// </summary>
    public const string ChatTemplateKnownOrCustom = "!has(self.chatTemplate) || self.chatTemplate in ['chatml', 'phi3', 'llama3'] || self.chatTemplate.contains('{content}') "
        + "|| ((self.chatTemplate.contains('{%') || self.chatTemplate.contains('{{')) && self.chatTemplate.contains('messages'))";

    /// <summary>Model source: a revision only makes sense for Hugging Face sources.</summary>
    public const string RevisionOnlyForHuggingFace = "!has(self.revision) || self.uri.startsWith('hf://')";

    /// <summary>Model cache: a shared claim, per-replica claims and an emptyDir size limit exclude each other.</summary>
    public const string CacheOneKind = "(has(self.persistentVolumeClaim) ? 1 : 0) + (has(self.perReplicaClaim) ? 1 : 0) + (has(self.sizeLimit) ? 1 : 0) <= 1";

    /// <summary>Autoscaling: the band's low mark is below its high mark.</summary>
    public const string BandLowBelowHigh = "self.targetUtilizationLow < self.targetUtilizationHigh";

    /// <summary>Rule match: the prompt-token range is not empty.</summary>
    public const string PromptTokenRange = "!has(self.minPromptTokens) || !has(self.maxPromptTokens) || self.minPromptTokens <= self.maxPromptTokens";

    /// <summary>Routing rules: names are unique (they label metrics and the reason header).</summary>
    public const string UniqueRuleNames = "self.all(r, self.exists_one(s, s.name == r.name))";

    /// <summary>Shadow: enabled shadowing samples something.</summary>
    public const string ShadowSamples = "!self.enabled || self.sampleRate > 0.0";

    /// <summary>Calibration: the bounds of an automatic threshold do not cross.</summary>
    public const string CalibrationBounds = "self.minThreshold <= self.maxThreshold";

    /// <summary>Budget curve: points sorted by spent fraction (Kubernetes' CEL list library's isSorted).</summary>
    public const string CurveSorted = "self.map(p, p.spentFraction).isSorted()";

    /// <summary>Predicates by CEL text; each returns true when the rule holds.</summary>
    public static IReadOnlyDictionary<string, Func<object, bool>> Predicates { get; } = new Dictionary<string, Func<object, bool>>(StringComparer.Ordinal)
    {
        [MinNotAboveMax] = For<SlmDeploymentSpec>(s => s.MinReplicas <= s.MaxReplicas),
        [CudaNeedsGpu] = For<SlmDeploymentSpec>(s => s.Accelerator.Type != "cpu" || s.Runtime is null || s.Runtime.ExecutionProvider != "cuda"),
        [ChatTemplateKnownOrCustom] = For<ModelSpec>(m => m.ChatTemplate is null or "chatml" or "phi3" or "llama3"
            || m.ChatTemplate.Contains("{content}", StringComparison.Ordinal)
            || ((m.ChatTemplate.Contains("{%", StringComparison.Ordinal) || m.ChatTemplate.Contains("{{", StringComparison.Ordinal))
                && m.ChatTemplate.Contains("messages", StringComparison.Ordinal))),
        [RevisionOnlyForHuggingFace] = For<ModelSourceSpec>(s => s.Revision is null || s.Uri.StartsWith("hf://", StringComparison.Ordinal)),
        [CacheOneKind] = For<ModelCacheSpec>(c => (c.PersistentVolumeClaim is null ? 0 : 1) + (c.PerReplicaClaim is null ? 0 : 1) + (c.SizeLimit is null ? 0 : 1) <= 1),
        [BandLowBelowHigh] = For<AutoscalingSpec>(a => a.TargetUtilizationLow < a.TargetUtilizationHigh),
        [PromptTokenRange] = For<RuleMatch>(m => m.MinPromptTokens is not { } min || m.MaxPromptTokens is not { } max || min <= max),
        [UniqueRuleNames] = For<List<RoutingRule>>(rules => rules.All(r => rules.Count(s => s.Name == r.Name) == 1)),
        [ShadowSamples] = For<ShadowSpec>(s => !s.Enabled || s.SampleRate > 0.0),
        [CalibrationBounds] = For<CalibrationSpec>(c => c.MinThreshold <= c.MaxThreshold),
        [CurveSorted] = For<List<ThresholdCurvePoint>>(points => points.Zip(points.Skip(1)).All(pair => pair.First.SpentFraction <= pair.Second.SpentFraction)),
    };

    private static Func<object, bool> For<T>(Func<T, bool> predicate) => value => value is T typed
        ? predicate(typed)
        : throw new InvalidOperationException($"cross-field rule expects {typeof(T).Name}, got {value.GetType().Name}");
}
