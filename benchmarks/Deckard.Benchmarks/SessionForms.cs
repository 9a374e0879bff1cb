using System.Diagnostics;

namespace Deckard.Benchmarks;

/// <summary>The sessions the load benchmarks start, each timed from the POST to its 202.</summary>
internal static class SessionForms
{
    public static async Task<(Guid Id, double Milliseconds)> Prompt(HttpClient api, string prompt, string? options)
    {
        using var content = new MultipartFormDataContent { { new StringContent(prompt), "prompt" } };
        if (options is not null)
        {
            content.Add(new StringContent(options), "options");
        }

        return await TimedAsync(api, content);
    }

    /// <summary>A spoken session: recorded audio (transcribed, then routed) with options.</summary>
    public static async Task<(Guid Id, double Milliseconds)> Voice(HttpClient api, byte[] wav, string options)
    {
        using var content = new MultipartFormDataContent
        {
            { new ByteArrayContent(wav), "audio", "prompt.wav" },
            { new StringContent(options), "options" },
        };
        return await TimedAsync(api, content);
    }

    /// <summary>A lip-sync session: a portrait and the speech to sync it to.</summary>
    public static async Task<(Guid Id, double Milliseconds)> Lipsync(HttpClient api, LipsyncMedia media)
    {
        using var content = new MultipartFormDataContent
        {
            { new ByteArrayContent(media.Portrait), "portrait", "portrait.png" },
            { new ByteArrayContent(media.Speech), "speech", "speech.wav" },
        };
        return await TimedAsync(api, content);
    }

    private static async Task<(Guid Id, double Milliseconds)> TimedAsync(HttpClient api, MultipartFormDataContent content)
    {
        var started = Stopwatch.GetTimestamp();
        var id = await SessionApi.CreateAsync(api, content);
        return (id, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
