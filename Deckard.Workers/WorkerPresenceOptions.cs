using System.ComponentModel.DataAnnotations;

namespace Deckard.Workers;

public sealed class WorkerPresenceOptions
{
    public const string SectionName = "Workers:Presence";

    /// <summary>How often a replica refreshes its presence key.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a presence key outlives a replica that stopped refreshing it (killed, partitioned).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(15);
}
