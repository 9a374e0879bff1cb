using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Audio;
using OpenAI.Images;
using OpenAI.Responses;

namespace Deckard.Benchmarks;

/// <summary>
/// The avatar and search flows' orchestration overhead with zero-latency stand-ins: each session's flow time (stored
/// <c>session.created</c> to <c>session.completed</c>) minus the stand-in's own time on that session's calls (its
/// request journal times each call to its last byte). Beside it, the same calls made straight to the stand-in with
/// the same SDK in the same run.
/// </summary>
internal static class FlowsBenchmark
{
    private const int Warmup = 5;

    /// <summary>Each flow's overhead per session (flow time minus the stand-in's time on its calls), in milliseconds.</summary>
    public sealed record Figures(
        List<double> Avatar, List<double> AvatarStandIn, List<double> Search, List<double> SearchStandIn, Dictionary<string, double> Floors, int SpokenLength)
    {
        public List<double> AvatarOverhead => [.. Avatar.Zip(AvatarStandIn, (flow, standIn) => flow - standIn)];

        public List<double> SearchOverhead => [.. Search.Zip(SearchStandIn, (flow, standIn) => flow - standIn)];
    }

    public static async Task RunAsync(int sessions)
    {
        Console.WriteLine($"Flows benchmark: {sessions} avatar and {sessions} search sessions (text prompts, one at a time, lip-sync off)");
        var figures = await MeasureAsync(sessions);
        Console.WriteLine();
        Console.WriteLine($"{"measure",-62} {"p50",10} {"p99",10}");
        Row("stand-in: routing Responses call (ms)", figures.Floors["route"], double.NaN);
        Row("stand-in: image generation, 1024x1024 (ms)", figures.Floors["image"], double.NaN);
        Row("stand-in: web-search Responses call (ms)", figures.Floors["search"], double.NaN);
        Row($"stand-in: speech of the {figures.SpokenLength}-character spoken answer, mp3 (ms)", figures.Floors["speech"], double.NaN);
        Row("avatar flow: created -> completed (ms)", Percentiles.Of(figures.Avatar, 50), Percentiles.Of(figures.Avatar, 99));
        Row("  the stand-in's own time on its calls (journal, ms)", Percentiles.Of(figures.AvatarStandIn, 50), Percentiles.Of(figures.AvatarStandIn, 99));
        Row("  orchestration overhead: flow minus stand-in (ms)", Percentiles.Of(figures.AvatarOverhead, 50), Percentiles.Of(figures.AvatarOverhead, 99));
        Row("search flow: created -> completed (ms)", Percentiles.Of(figures.Search, 50), Percentiles.Of(figures.Search, 99));
        Row("  the stand-in's own time on its calls (journal, ms)", Percentiles.Of(figures.SearchStandIn, 50), Percentiles.Of(figures.SearchStandIn, 99));
        Row("  orchestration overhead: flow minus stand-in (ms)", Percentiles.Of(figures.SearchOverhead, 50), Percentiles.Of(figures.SearchOverhead, 99));
    }

    public static async Task<Figures> MeasureAsync(int sessions)
    {
        await using var app = await BenchmarkTopology.StartAsync(new Dictionary<string, string> { ["Resources:workers:Replicas"] = "1" });
        using var api = app.CreateHttpClient("api");
        using var standIn = app.CreateHttpClient("openai-mock");
        var journal = new StandInJournal(standIn);
        var (avatar, avatarStandIn, _) = await FlowTimesAsync(api, journal, sessions, index => ($"Paint a portrait of me as a sailor number {index}", """{"lipsync":false}"""));
        var (search, searchStandIn, lastSearch) = await FlowTimesAsync(api, journal, sessions, index => ($"What is the population of city number {index}?", """{"lipsync":false}"""));
        // The speech floor speaks what the flow spoke: its time follows the text's length.
        var session = await api.GetFromJsonAsync<JsonElement>(new Uri($"/api/sessions/{lastSearch}", UriKind.Relative));
        var spoken = session.GetProperty("results").GetProperty("answer").GetProperty("spokenText").GetString()!;
        var floors = await StandInFloorsAsync(app, spoken, 30);
        return new Figures(avatar, avatarStandIn, search, searchStandIn, floors, spoken.Length);
    }

    private static void Row(string label, double p50, double p99) => FigureTable.Row(label, p50, p99, 62);

    /// <summary>Each flow's time on the server's clocks, after a few warm-up sessions.</summary>
    private static async Task<(List<double> Times, List<double> StandInTimes, Guid Last)> FlowTimesAsync(
        HttpClient api, StandInJournal journal, int count, Func<int, (string Prompt, string Options)> session)
    {
        var times = new List<double>();
        var standInTimes = new List<double>();
        var last = Guid.Empty;
        await journal.SkipPastAsync();
        for (var index = 0; index < count + Warmup; index++)
        {
            var (prompt, options) = session(index);
            using var content = new MultipartFormDataContent { { new StringContent(prompt), "prompt" }, { new StringContent(options), "options" } };
            var id = last = await SessionApi.CreateAsync(api, content);
            var (_, events) = await SessionApi.FollowAsync(api, id);
            if (events[^1].Type != "session.completed")
            {
                throw new InvalidOperationException($"Session {id} ended {events[^1].Type}: {events[^1].Data}");
            }

            var standIn = await journal.TimeSinceLastReadAsync();
            if (index >= Warmup)
            {
                times.Add((events[^1].CreatedAt - events.Single(e => e.Type == "session.created").CreatedAt).TotalMilliseconds);
                standInTimes.Add(standIn);
            }
        }

        return (times, standInTimes, last);
    }

    /// <summary>The median time of each call the flows make, straight to the stand-in with the OpenAI SDK.</summary>
    private static async Task<Dictionary<string, double>> StandInFloorsAsync(BenchmarkTopology app, string answer, int calls)
    {
        var endpoint = (await app.ConnectionStringAsync("openai")).Split(';').Select(part => part.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        var client = new OpenAIClient(new ApiKeyCredential(endpoint["Key"]), new OpenAIClientOptions { Endpoint = new Uri(endpoint["Endpoint"]) });
        var responses = client.GetResponsesClient();
        var images = client.GetImageClient("gpt-image-1");
        var speech = client.GetAudioClient("gpt-4o-mini-tts");
        var route = ResponseTool.CreateFunctionTool("create_avatar",
            BinaryData.FromString("""{"type":"object","properties":{"description":{"type":"string"}},"required":["description"],"additionalProperties":false}"""),
            strictModeEnabled: true, functionDescription: "Generate a portrait.");
        return new Dictionary<string, double>
        {
            ["route"] = await MedianAsync(calls, () => responses.CreateResponseAsync(
                new CreateResponseOptions("gpt-5-mini", [ResponseItem.CreateUserMessageItem("Paint a portrait of me as a sailor")])
                {
                    Tools = { route },
                    ToolChoice = ResponseToolChoice.CreateRequiredChoice(),
                })),
            ["image"] = await MedianAsync(calls, () => images.GenerateImagesAsync("A sailor", 1, new ImageGenerationOptions
            {
                Size = GeneratedImageSize.W1024xH1024,
                Quality = new GeneratedImageQuality("medium"),
                OutputFileFormat = GeneratedImageFileFormat.Png,
            })),
            ["search"] = await MedianAsync(calls, () => responses.CreateResponseAsync(
                new CreateResponseOptions("gpt-5", [ResponseItem.CreateUserMessageItem("What is the population of Lisbon?")])
                {
                    Tools = { ResponseTool.CreateWebSearchTool() },
                    ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Medium },
                })),
            ["speech"] = await MedianAsync(calls, () => speech.GenerateSpeechAsync(answer, GeneratedSpeechVoice.Alloy,
                new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Mp3 })),
        };
    }

    private static async Task<double> MedianAsync<T>(int calls, Func<Task<T>> call)
    {
        await call();
        var times = new List<double>();
        for (var index = 0; index < calls; index++)
        {
            var started = Stopwatch.GetTimestamp();
            await call();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return Percentiles.Of(times, 50);
    }
}
