using System.ComponentModel.DataAnnotations;

namespace Deckard.Api.Security;

/// <summary>How long finished sessions and their media are kept (configuration section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>A finished session, with its transcript, artifacts and media, is deleted this long after it ended. Zero keeps them forever.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan SessionMaxAge { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
