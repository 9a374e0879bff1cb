using Deckard.Hosting.Health;
using Deckard.Hosting.Processes;

namespace Deckard.Hosting.Orchestration.Launchers;

/// <summary>How one kind of resource is prepared, run and probed.</summary>
internal interface IResourceLauncher
{
    /// <summary>Prepares what the process needs (e.g. initdb) and says what to run; null when nothing runs (an external resource).</summary>
    Task<ProcessSpec?> PrepareAsync(ReplicaContext replica, CancellationToken cancellationToken);

    IHealthProbe CreateHealthProbe(ReplicaContext replica);

    /// <summary>What the summary shows a person: a URL, or where to connect.</summary>
    string Describe(ReplicaContext replica);
}
