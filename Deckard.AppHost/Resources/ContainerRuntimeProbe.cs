namespace Deckard.AppHost.Resources;

/// <summary>
/// Whether a container runtime answers: the one <c>ASPIRE_CONTAINER_RUNTIME</c> names (as Aspire reads it), else docker,
/// else podman. A client on the PATH is not enough (this machine has the docker client and no engine): its
/// <c>info</c> must succeed.
/// </summary>
public static class ContainerRuntimeProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <returns>The runtime that answered, or null with the reason none did.</returns>
    public static async Task<(string? Runtime, string Reason)> FindAsync(string? configuredRuntime, CancellationToken cancellationToken)
    {
        string[] candidates = configuredRuntime is { Length: > 0 } ? [configuredRuntime] : ["docker", "podman"];
        var reasons = new List<string>();
        foreach (var runtime in candidates)
        {
            var exitCode = await ToolProcess.RunAsync(runtime, ["info"], output: null, Timeout, cancellationToken);
            if (exitCode == 0)
            {
                return (runtime, $"'{runtime} info' answered");
            }

            reasons.Add(exitCode is null ? $"{runtime} is not installed" : $"'{runtime} info' failed (exit code {exitCode})");
        }

        return (null, string.Join("; ", reasons));
    }
}
