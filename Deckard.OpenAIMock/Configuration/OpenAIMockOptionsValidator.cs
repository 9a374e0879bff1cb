using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Configuration;

/// <summary>Rejects settings the stand-in cannot honour, at start-up rather than on the first call.</summary>
internal sealed class OpenAIMockOptionsValidator : IValidateOptions<OpenAIMockOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenAIMockOptions options)
    {
        var failures = new List<string>();
        const string Section = OpenAIMockOptions.SectionName;

        if (string.IsNullOrWhiteSpace(options.ApiKey) || options.ApiKey.Any(char.IsWhiteSpace))
        {
            failures.Add($"{Section}:ApiKey must be a non-empty key without spaces.");
        }

        if (options.AdminKey is { Length: > 0 } adminKey && adminKey.Any(char.IsWhiteSpace))
        {
            failures.Add($"{Section}:AdminKey must not contain spaces.");
        }

        if (options.DefaultLatencyMs is < 0 or > 600_000)
        {
            failures.Add($"{Section}:DefaultLatencyMs must be between 0 and 600000.");
        }

        if (options.JournalCapacity is < 1 or > 100_000)
        {
            failures.Add($"{Section}:JournalCapacity must be between 1 and 100000.");
        }

        if (double.IsNaN(options.Realtime.PlaybackRate) || options.Realtime.PlaybackRate is < 0 or > 1000)
        {
            failures.Add($"{Section}:Realtime:PlaybackRate must be between 0 (unpaced) and 1000.");
        }

        if (options.Realtime.AudioChunkMilliseconds is < 10 or > 1000)
        {
            failures.Add($"{Section}:Realtime:AudioChunkMilliseconds must be between 10 and 1000.");
        }

        if (options.Media.WordsPerMinute is < 60 or > 400)
        {
            failures.Add($"{Section}:Media:WordsPerMinute must be between 60 and 400.");
        }

        if (string.IsNullOrWhiteSpace(options.Media.EspeakPath) || string.IsNullOrWhiteSpace(options.Media.FfmpegPath))
        {
            failures.Add($"{Section}:Media:EspeakPath and {Section}:Media:FfmpegPath must name executables.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
