namespace Deckard.Hosting.Orchestration;

/// <summary>An immutable view of one resource and its replicas.</summary>
public sealed record ResourceSnapshot(string Name, string Type, IReadOnlyList<ReplicaSnapshot> Replicas, bool IsExternal)
{
    public bool IsHealthy => Replicas.Count > 0 && Replicas.All(replica => replica.IsHealthy);

    /// <summary>Every replica ended and none will be restarted.</summary>
    public bool HasFailed => Replicas.Count > 0 && Replicas.All(replica => replica.State == ResourceState.FailedToStart);

    public string DisplayState
    {
        get
        {
            var states = Replicas.Select(replica => replica.DisplayState).Distinct().ToList();
            return states.Count == 1 ? states[0] : string.Join(", ", Replicas.Select(r => $"{r.Name}: {r.DisplayState}"));
        }
    }

    internal ResourceSnapshot WithReplica(int index, Func<ReplicaSnapshot, ReplicaSnapshot> update)
    {
        var replicas = Replicas.ToArray();
        replicas[index] = update(replicas[index]);
        return this with { Replicas = replicas };
    }
}
