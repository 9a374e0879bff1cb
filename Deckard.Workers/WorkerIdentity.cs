namespace Deckard.Workers;

/// <summary>
/// Who this replica is: the OpenTelemetry <c>service.instance.id</c> the AppHost assigns, or a fresh id when run
/// on its own. Used as the Redis consumer name, so two replicas never share pending messages.
/// </summary>
public sealed class WorkerIdentity
{
    public WorkerIdentity(IConfiguration configuration)
    {
        InstanceId = ParseInstanceId(configuration["OTEL_RESOURCE_ATTRIBUTES"])
            ?? $"{Environment.MachineName}-{Guid.NewGuid():N}"[..^24];
    }

    public string InstanceId { get; }

    /// <summary>Reads <c>service.instance.id</c> out of the W3C-baggage-like <c>k=v,k=v</c> list.</summary>
    public static string? ParseInstanceId(string? resourceAttributes)
    {
        if (string.IsNullOrWhiteSpace(resourceAttributes))
        {
            return null;
        }

        foreach (var pair in resourceAttributes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0 && pair[..separator].Trim() == "service.instance.id")
            {
                var value = pair[(separator + 1)..].Trim();
                return value.Length > 0 ? value : null;
            }
        }

        return null;
    }
}
