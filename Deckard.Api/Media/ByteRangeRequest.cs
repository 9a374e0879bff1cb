using Microsoft.Net.Http.Headers;

namespace Deckard.Api.Media;

/// <summary>
/// What a <c>Range</c> header asks of an artifact of a given size (RFC 9110 section 14): the whole, one satisfiable
/// byte range, or nothing it can have. Several ranges at once are answered with the whole, which the RFC allows and
/// media elements never ask for.
/// </summary>
public readonly record struct ByteRangeRequest(ByteRangeKind Kind, long Offset, long Length)
{
    public static ByteRangeRequest Whole(long size) => new(ByteRangeKind.Whole, 0, size);

    public static ByteRangeRequest Parse(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header) || !RangeHeaderValue.TryParse(header, out var range)
            || !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) || range.Ranges.Count != 1)
        {
            return Whole(size);
        }

        var (from, to) = (range.Ranges.First().From, range.Ranges.First().To);
        if (from is null)
        {
            // A suffix: the last N bytes.
            if (to is null or 0 || size == 0)
            {
                return new(ByteRangeKind.Unsatisfiable, 0, 0);
            }

            var suffix = Math.Min(to.Value, size);
            return new(ByteRangeKind.Partial, size - suffix, suffix);
        }

        if (from.Value >= size)
        {
            return new(ByteRangeKind.Unsatisfiable, 0, 0);
        }

        var last = Math.Min(to ?? size - 1, size - 1);
        return new(ByteRangeKind.Partial, from.Value, last - from.Value + 1);
    }
}

public enum ByteRangeKind
{
    Whole,
    Partial,
    Unsatisfiable,
}
