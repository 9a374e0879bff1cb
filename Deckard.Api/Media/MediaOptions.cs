using System.ComponentModel.DataAnnotations;

namespace Deckard.Api.Media;

/// <summary>Configuration section <c>Media</c>.</summary>
public sealed class MediaOptions
{
    public const string SectionName = "Media";

    /// <summary>The HMAC key for media links. Set it when several Api instances serve one deployment; unset, each process makes its own.</summary>
    public string? SigningKey { get; set; }

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How much of an artifact one database read brings in while it is served: the memory a download costs.</summary>
    [Range(64 * 1024, 16 * 1024 * 1024)]
    public int ReadChunkBytes { get; set; } = 1024 * 1024;
}
