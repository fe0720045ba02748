using System.Globalization;
using System.Text.Json.Nodes;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// The test server's state: objects by kind and namespace/name, the global resourceVersion counter,
/// a bounded change history for watches, and the open watches. One lock guards everything, so every
/// change and its watch event are atomic and ordered by resourceVersion.
/// </summary>
internal sealed class ObjectStore
{
    private const string NameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    private readonly object _gate = new();
    private readonly Dictionary<(string Group, string Plural), Dictionary<(string Ns, string Name), JsonObject>> _objects = [];
    private readonly Dictionary<(string Group, string Plural), ResourceType> _typesByBucket = [];
    private readonly HashSet<string> _uids = new(StringComparer.Ordinal);
    private readonly Queue<WatchEventRecord> _history = new();
    private readonly List<WatchSubscription> _subscriptions = [];
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly int _historyLimit;
    private long _resourceVersion;
    private long _compactedVersion;

    public ObjectStore(TimeProvider time, int seed, int historyLimit)
    {
        _time = time;
        _random = new Random(seed);
        _historyLimit = historyLimit;
    }

    public long CurrentVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body)
    {
        lock (_gate)
        {
            var metadata = body["metadata"] as JsonObject ?? [];
            ObjectValidation.CheckNamespace(type, ns, metadata);
            if (!string.IsNullOrEmpty(metadata["resourceVersion"]?.GetValue<string>()))
            {
                // The real API server refuses this too; it usually means a cached object was re-sent.
                throw KubeApiException.BadRequest("metadata.resourceVersion: resourceVersion should not be set on objects to be created");
            }

            var name = metadata["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name))
            {
                var prefix = metadata["generateName"]?.GetValue<string>();
                if (string.IsNullOrEmpty(prefix))
                {
                    throw KubeApiException.Invalid(type, "", "metadata.name: Required value: name or generateName is required");
                }

                name = GenerateName(type, ns, prefix);
            }

            ObjectValidation.CheckName(type, name);
            var bucket = Bucket(type);
            var key = (ns ?? "", name);
            if (bucket.ContainsKey(key))
            {
                throw KubeApiException.AlreadyExists(type, name);
            }

            var obj = (JsonObject)body.DeepClone();
            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            if (type.HasStatus)
            {
                // The real API server resets status on create for kinds with a status subresource.
                obj.Remove("status");
            }

            var meta = obj["metadata"] as JsonObject ?? [];
            obj["metadata"] = meta;
            meta["name"] = name;
            if (type.Namespaced)
            {
                meta["namespace"] = ns;
            }

            var uid = Guid.NewGuid().ToString();
            meta["uid"] = uid;
            meta["generation"] = 1L;
            meta["creationTimestamp"] = Now();
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            meta.Remove("managedFields");
            meta["resourceVersion"] = Next();
            bucket[key] = obj;
            _uids.Add(uid);
            Emit(type, ns, "ADDED", obj);
            var created = (JsonObject)obj.DeepClone();
            if (OwnersAllGoneLocked(obj))
            {
                // A controller created a dependent while its owner was being deleted: the real garbage
                // collector finds it through its graph and deletes it; here at once, after the ADDED event.
                DeleteLocked(type, ns, name);
            }

            return created;
        }
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return (JsonObject)Find(type, ns, name).DeepClone();
        }
    }

    public (List<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        lock (_gate)
        {
            var items = Matching(type, ns, labels, fields).Select(o => (JsonObject)o.DeepClone()).ToList();
            return (items, _resourceVersion);
        }
    }

    /// <summary>PUT on the main resource (<paramref name="statusOnly"/> false) or on <c>/status</c>.</summary>
    public JsonObject Replace(ResourceType type, string? ns, string name, JsonObject incoming, bool statusOnly)
    {
        lock (_gate)
        {
            return ReplaceLocked(type, ns, name, incoming, statusOnly);
        }
    }

    /// <summary>PATCH: the patch is applied to the stored object, then written like a PUT.</summary>
    public JsonObject Patch(ResourceType type, string? ns, string name, Func<JsonObject, JsonObject> patch, bool statusOnly)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name);
            return ReplaceLocked(type, ns, name, patch((JsonObject)current.DeepClone()), statusOnly);
        }
    }

    public JsonObject Delete(ResourceType type, string? ns, string name, bool orphan)
    {
        lock (_gate)
        {
            var result = DeleteLocked(type, ns, name);
            if (!orphan)
            {
                CollectGarbageLocked();
            }

            return result;
        }
    }

    public int DeleteCollection(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        lock (_gate)
        {
            var targets = Matching(type, ns, labels, fields).ToList();
            foreach (var obj in targets)
            {
                DeleteLocked(type, MetadataFields.Namespace(obj), MetadataFields.Name(obj));
            }

            CollectGarbageLocked();
            return targets.Count;
        }
    }

    public JsonObject GetScale(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return ScaleConverter.ToScale(type, Find(type, ns, name));
        }
    }

    public JsonObject ReplaceScale(ResourceType type, string? ns, string name, JsonObject scale)
    {
        lock (_gate)
        {
            return ReplaceScaleLocked(type, ns, name, scale);
        }
    }

    public JsonObject PatchScale(ResourceType type, string? ns, string name, Func<JsonObject, JsonObject> patch)
    {
        lock (_gate)
        {
            var current = ScaleConverter.ToScale(type, Find(type, ns, name));
            return ReplaceScaleLocked(type, ns, name, patch(current));
        }
    }

    public WatchSubscription Subscribe(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, long? sinceVersion)
    {
        lock (_gate)
        {
            var subscription = new WatchSubscription(type, ns, labels, fields);
            if (sinceVersion is not { } since || since == 0)
            {
                // resourceVersion "" or "0": start with a synthetic ADDED for every current object.
                foreach (var obj in Matching(type, ns, labels, fields))
                {
                    subscription.Offer(Record(type, MetadataFields.Namespace(obj), "ADDED", obj, long.Parse(MetadataFields.Version(obj), CultureInfo.InvariantCulture)));
                }
            }
            else
            {
                if (since < _compactedVersion)
                {
                    throw KubeApiException.Gone($"too old resource version: {since} ({_compactedVersion + 1})");
                }

                foreach (var record in _history.Where(r => r.ResourceVersion > since))
                {
                    subscription.Offer(record);
                }
            }

            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    public void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
            subscription.Complete();
        }
    }

    /// <summary>
    /// The resourceVersion a bookmark may carry for this watch: the current version, but only when
    /// everything queued for it has been sent (otherwise the client would skip queued events).
    /// </summary>
    public long? BookmarkVersion(WatchSubscription subscription)
    {
        lock (_gate)
        {
            return subscription.Reader.Count == 0 ? _resourceVersion : null;
        }
    }

    private JsonObject ReplaceLocked(ResourceType type, string? ns, string name, JsonObject incoming, bool statusOnly)
    {
        var current = Find(type, ns, name);
        var incomingMeta = incoming["metadata"] as JsonObject;
        var incomingName = incomingMeta?["name"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(incomingName) && incomingName != name)
        {
            throw KubeApiException.BadRequest($"the name of the object ({incomingName}) does not match the name on the URL ({name})");
        }

        ObjectValidation.CheckNamespace(type, ns, incomingMeta ?? []);
        var expectedVersion = incomingMeta?["resourceVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(expectedVersion) && expectedVersion != MetadataFields.Version(current))
        {
            throw KubeApiException.Conflict(type, name);
        }

        JsonObject next;
        if (statusOnly)
        {
            next = (JsonObject)current.DeepClone();
            SetOrRemove(next, "status", incoming["status"]);
        }
        else
        {
            next = (JsonObject)incoming.DeepClone();
            if (type.HasStatus)
            {
                SetOrRemove(next, "status", current["status"]);
            }

            next["apiVersion"] = type.ApiVersion;
            next["kind"] = type.Kind;
            var meta = next["metadata"] as JsonObject ?? [];
            next["metadata"] = meta;
            var currentMeta = (JsonObject)current["metadata"]!;
            foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds" })
            {
                SetOrRemove(meta, field, currentMeta[field]);
            }
        }

        return Commit(type, ns, name, current, next);
    }

    private JsonObject Commit(ResourceType type, string? ns, string name, JsonObject current, JsonObject next)
    {
        var meta = (JsonObject)next["metadata"]!;
        meta["resourceVersion"] = MetadataFields.Version(current);
        if (JsonNode.DeepEquals(current, next))
        {
            // A no-op write changes nothing: same resourceVersion, no watch event (as the real server).
            return (JsonObject)current.DeepClone();
        }

        if (ContentChanged(type, current, next))
        {
            meta["generation"] = MetadataFields.Generation(current) + 1;
        }

        meta["resourceVersion"] = Next();
        var bucket = Bucket(type);
        bucket[(ns ?? "", name)] = next;
        if (meta["deletionTimestamp"] is not null && MetadataFields.Finalizers(next) == 0)
        {
            RemoveLocked(type, ns, name, next);
            CollectGarbageLocked();
        }
        else
        {
            Emit(type, ns, "MODIFIED", next);
        }

        return (JsonObject)next.DeepClone();
    }

    private JsonObject DeleteLocked(ResourceType type, string? ns, string name)
    {
        var current = Find(type, ns, name);
        if (MetadataFields.Finalizers(current) == 0)
        {
            var uid = current["metadata"]!["uid"]!.GetValue<string>();
            RemoveLocked(type, ns, name, current);
            return StatusObjects.Success(name, type, uid);
        }

        var meta = (JsonObject)current["metadata"]!;
        if (meta["deletionTimestamp"] is not null)
        {
            return (JsonObject)current.DeepClone();
        }

        var next = (JsonObject)current.DeepClone();
        var nextMeta = (JsonObject)next["metadata"]!;
        nextMeta["deletionTimestamp"] = Now();
        nextMeta["deletionGracePeriodSeconds"] = 0L;
        nextMeta["generation"] = MetadataFields.Generation(current) + 1;
        nextMeta["resourceVersion"] = Next();
        Bucket(type)[(ns ?? "", name)] = next;
        Emit(type, ns, "MODIFIED", next);
        return (JsonObject)next.DeepClone();
    }

    private void RemoveLocked(ResourceType type, string? ns, string name, JsonObject last)
    {
        var final = (JsonObject)last.DeepClone();
        final["metadata"]!["resourceVersion"] = Next();
        Bucket(type).Remove((ns ?? "", name));
        _uids.Remove(final["metadata"]!["uid"]!.GetValue<string>());
        Emit(type, ns, "DELETED", final);
    }

    /// <summary>
    /// Background-propagation garbage collection, run synchronously: an object whose owners are all
    /// gone is deleted (finalizers still honoured), repeated until nothing more goes.
    /// </summary>
    private void CollectGarbageLocked()
    {
        bool removedAny;
        do
        {
            removedAny = false;
            var orphans = new List<(ResourceType Type, string? Ns, string Name)>();
            foreach (var (bucketKey, bucket) in _objects)
            {
                foreach (var obj in bucket.Values)
                {
                    if (OwnersAllGoneLocked(obj))
                    {
                        var type = _typesByBucket[bucketKey];
                        orphans.Add((type, type.Namespaced ? MetadataFields.Namespace(obj) : null, MetadataFields.Name(obj)));
                    }
                }
            }

            foreach (var (type, ns, name) in orphans)
            {
                DeleteLocked(type, ns, name);
                removedAny = true;
            }
        }
        while (removedAny);
    }

    /// <summary>True when the object names owners and none of them exists (by uid), and it is not already being deleted.</summary>
    private bool OwnersAllGoneLocked(JsonObject obj) =>
        obj["metadata"]?["ownerReferences"] is JsonArray { Count: > 0 } owners
        && obj["metadata"]?["deletionTimestamp"] is null
        && owners.All(o => o?["uid"]?.GetValue<string>() is not { } uid || !_uids.Contains(uid));

    private JsonObject ReplaceScaleLocked(ResourceType type, string? ns, string name, JsonObject scale)
    {
        var mapping = type.Scale ?? throw new KubeApiException(404, "NotFound", $"{type.QualifiedName} has no scale subresource");
        var current = Find(type, ns, name);
        var expectedVersion = scale["metadata"]?["resourceVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(expectedVersion) && expectedVersion != MetadataFields.Version(current))
        {
            throw KubeApiException.Conflict(type, name);
        }

        if (scale["spec"]?["replicas"] is not JsonValue replicasNode || !replicasNode.TryGetValue<int>(out var replicas) || replicas < 0)
        {
            throw KubeApiException.Invalid(type, name, $"spec.replicas: Invalid value: {scale["spec"]?["replicas"]?.ToJsonString() ?? "null"}: must be a non-negative integer");
        }

        var next = (JsonObject)current.DeepClone();
        JsonPath.Set(next, mapping.SpecReplicasPath, replicas);
        var committed = Commit(type, ns, name, current, next);
        return ScaleConverter.ToScale(type, committed);
    }

    private IEnumerable<JsonObject> Matching(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields) =>
        Bucket(type)
            .Where(e => ns is null || e.Key.Ns == ns)
            .OrderBy(e => e.Key.Ns, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Name, StringComparer.Ordinal)
            .Select(e => e.Value)
            .Where(o => labels.Matches(o["metadata"]?["labels"] as JsonObject) && fields.Matches(o));

    private JsonObject Find(ResourceType type, string? ns, string name) =>
        Bucket(type).TryGetValue((ns ?? "", name), out var obj) ? obj : throw KubeApiException.NotFound(type, name);

    private Dictionary<(string Ns, string Name), JsonObject> Bucket(ResourceType type)
    {
        var key = (type.Group, type.Plural);
        if (!_objects.TryGetValue(key, out var bucket))
        {
            bucket = [];
            _objects[key] = bucket;
            _typesByBucket[key] = type;
        }

        return bucket;
    }

    private void Emit(ResourceType type, string? ns, string eventType, JsonObject obj)
    {
        var record = Record(type, ns, eventType, obj, _resourceVersion);
        _history.Enqueue(record);
        while (_history.Count > _historyLimit)
        {
            _compactedVersion = _history.Dequeue().ResourceVersion;
        }

        foreach (var subscription in _subscriptions)
        {
            subscription.Offer(record);
        }
    }

    private static WatchEventRecord Record(ResourceType type, string? ns, string eventType, JsonObject obj, long version)
    {
        var snapshot = (JsonObject)obj.DeepClone();
        var line = $"{{\"type\":\"{eventType}\",\"object\":{obj.ToJsonString()}}}";
        return new WatchEventRecord(version, type, type.Namespaced ? ns : null, eventType, snapshot, line);
    }

    /// <summary>
    /// Whether a change bumps metadata.generation: any change outside metadata, and outside status
    /// when status is a subresource (the CRD rule; built-in kinds mostly follow it for spec).
    /// </summary>
    private static bool ContentChanged(ResourceType type, JsonObject current, JsonObject next)
    {
        static JsonObject Content(JsonObject obj, bool dropStatus)
        {
            var copy = (JsonObject)obj.DeepClone();
            copy.Remove("metadata");
            if (dropStatus)
            {
                copy.Remove("status");
            }

            return copy;
        }

        return !JsonNode.DeepEquals(Content(current, type.HasStatus), Content(next, type.HasStatus));
    }

    private string GenerateName(ResourceType type, string? ns, string prefix)
    {
        var bucket = Bucket(type);
        while (true)
        {
            var suffix = new string(Enumerable.Range(0, 5).Select(_ => NameAlphabet[_random.Next(NameAlphabet.Length)]).ToArray());
            var name = prefix + suffix;
            if (!bucket.ContainsKey((ns ?? "", name)))
            {
                return name;
            }
        }
    }

    private static void SetOrRemove(JsonObject target, string field, JsonNode? value)
    {
        if (value is null)
        {
            target.Remove(field);
        }
        else
        {
            target[field] = value.DeepClone();
        }
    }

    private string Next() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private string Now() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
