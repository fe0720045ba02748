using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// One open watch: the filter it was opened with and the channel the store writes matching events
/// into (under the store lock, so the order is the resourceVersion order).
/// </summary>
internal sealed class WatchSubscription
{
    private readonly Channel<WatchEventRecord> _channel = Channel.CreateUnbounded<WatchEventRecord>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    public WatchSubscription(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        Type = type;
        Namespace = ns;
        Labels = labels;
        Fields = fields;
    }

    public ResourceType Type { get; }

    public string? Namespace { get; }

    public LabelSelector Labels { get; }

    public FieldSelector Fields { get; }

    public ChannelReader<WatchEventRecord> Reader => _channel.Reader;

    public bool Matches(WatchEventRecord record) =>
        record.Type.Group == Type.Group
        && record.Type.Plural == Type.Plural
        && (Namespace is null || record.Namespace == Namespace)
        && Labels.Matches(record.Object["metadata"]?["labels"] as JsonObject)
        && Fields.Matches(record.Object);

    public void Offer(WatchEventRecord record)
    {
        if (Matches(record))
        {
            _channel.Writer.TryWrite(record);
        }
    }

    public void Complete() => _channel.Writer.TryComplete();
}
