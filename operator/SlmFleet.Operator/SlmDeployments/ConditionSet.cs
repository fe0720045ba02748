using k8s.Models;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Builds the next condition list. lastTransitionTime only moves when a condition's status flips, so
/// status stays byte-identical across reconciles that decide the same thing (zero writes).
/// </summary>
internal sealed class ConditionSet
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    private readonly IReadOnlyList<V1Condition> _previous;
    private readonly long? _generation;
    private readonly DateTime _now;
    private readonly List<V1Condition> _next = [];
    private readonly List<V1Condition> _changed = [];

    public ConditionSet(IReadOnlyList<V1Condition>? previous, long? generation, DateTime now)
    {
        _previous = previous ?? [];
        _generation = generation;
        _now = now;
    }

    public List<V1Condition> Conditions => _next;

    public void Set(string type, string status, string reason, string message)
    {
        var before = Find(_previous, type);
        var lastTransition = before is not null && before.Status == status ? before.LastTransitionTime : _now;
        var condition = new V1Condition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            ObservedGeneration = _generation,
            LastTransitionTime = lastTransition,
        };
        _next.Add(condition);
        if (before is null || before.Status != status || before.Reason != reason || before.Message != message)
        {
            _changed.Add(condition);
        }
    }

    /// <summary>Whether <paramref name="type"/> is new or differs in status, reason or message: the moment to post an Event.</summary>
    public bool Changed(string type) => Find(_changed, type) is not null;

    public V1Condition? Get(string type) => Find(_next, type);

    private static V1Condition? Find(IReadOnlyList<V1Condition> conditions, string type) =>
        conditions.FirstOrDefault(c => c.Type == type);
}
