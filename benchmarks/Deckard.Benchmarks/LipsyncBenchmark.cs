using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Deckard.Benchmarks;

/// <summary>
/// The lip-sync step's own cost for a 10 s clip, against the real topology and the RunPod stand-in: the step's
/// duration minus the time the pod spent on the job (the stand-in's simulated render), split into preparation
/// (in process, or ffmpeg for other formats), upload and submit, and download; and the HTTP requests one job takes. The baselines, measured in the
/// same run: the pod's job time, and one bare HTTP round trip to the Gradio app.
/// </summary>
internal static class LipsyncBenchmark
{
    private const double ClipSeconds = LipsyncMedia.ClipSeconds;

    /// <summary>Per session, in milliseconds (requests and video size excepted); the two baselines as medians.</summary>
    public sealed record Figures(
        double RoundTrip, double FfmpegStart, List<double> Steps, List<double> Jobs, List<double> Overheads, List<double> Preparations,
        List<double> Uploads, List<double> Downloads, List<double> Requests, List<double> Videos);

    public static async Task RunAsync(int sessions, double timeScale)
    {
        Console.WriteLine($"Lip-sync benchmark: {sessions} sequential sessions of a {ClipSeconds:0} s clip, stand-in time scale {timeScale}");
        var figures = await MeasureAsync(sessions, timeScale);
        Console.WriteLine();
        Console.WriteLine($"{"measure",-62} {"p50",10} {"p99",10}");
        Row("baseline: one HTTP round trip to the Gradio app (ms)", figures.RoundTrip, double.NaN);
        Row("baseline: starting ffmpeg once (ffmpeg -version, ms)", figures.FfmpegStart, double.NaN);
        Row("baseline: the pod's time on the job (simulated render, ms)", Percentiles.Of(figures.Jobs, 50), Percentiles.Of(figures.Jobs, 99));
        Row("lipsync step, start to result (ms)", Percentiles.Of(figures.Steps, 50), Percentiles.Of(figures.Steps, 99));
        Row("  overhead: step minus the pod's job time (ms)", Percentiles.Of(figures.Overheads, 50), Percentiles.Of(figures.Overheads, 99));
        Row("    preparation: portrait and speech (ms)", Percentiles.Of(figures.Preparations, 50), Percentiles.Of(figures.Preparations, 99));
        Row("    discovery, uploads and submit (ms)", Percentiles.Of(figures.Uploads, 50), Percentiles.Of(figures.Uploads, 99));
        Row("    result read and download (ms)", Percentiles.Of(figures.Downloads, 50), Percentiles.Of(figures.Downloads, 99));
        Console.WriteLine($"  overhead p50 = {Percentiles.Of(figures.Overheads, 50) / figures.RoundTrip:0}x one round trip, {Percentiles.Of(figures.Overheads, 50) / Percentiles.Of(figures.Jobs, 50):P1} of the pod's time");
        Console.WriteLine($"{"HTTP requests per job",-62} {Percentiles.Of(figures.Requests, 50),10:0}");
        Console.WriteLine($"{"video size (KiB)",-62} {Percentiles.Of(figures.Videos, 50),10:0}");
    }

    public static async Task<Figures> MeasureAsync(int sessions, double timeScale)
    {
        var media = await LipsyncMedia.CreateAsync();
        await using var app = await BenchmarkTopology.StartAsync(
            new Dictionary<string, string> { ["RunPodMock:CostModel:TimeScale"] = timeScale.ToString(CultureInfo.InvariantCulture) });
        using var api = app.CreateHttpClient("api");
        using var runpod = app.CreateHttpClient("runpod-mock");
        await using var database = Npgsql.NpgsqlDataSource.Create(await app.ConnectionStringAsync("deckard"));
        var roundTrip = await GradioRoundTripAsync(runpod);
        var ffmpegStart = await FfmpegStartAsync();

        var steps = new List<double>();
        var jobs = new List<double>();
        var overheads = new List<double>();
        var preparations = new List<double>();
        var uploads = new List<double>();
        var downloads = new List<double>();
        var requests = new List<double>();
        var videos = new List<double>();
        for (var index = 0; index < sessions + 1; index++)
        {
            var (id, _) = await SessionForms.Lipsync(api, media);
            var (_, events) = await SessionApi.FollowAsync(api, id);
            if (events[^1].Type != "session.completed")
            {
                throw new InvalidOperationException($"Session {id} ended {events[^1].Type}: {events[^1].Data}");
            }

            var session = await api.GetFromJsonAsync<JsonElement>(new Uri($"/api/sessions/{id}", UriKind.Relative));
            var step = session.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "lipsync");
            var stepStarted = step.GetProperty("startedAt").GetDateTimeOffset();
            var stepFinished = step.GetProperty("finishedAt").GetDateTimeOffset();
            var job = (await runpod.GetFromJsonAsync<JsonElement>(new Uri("/admin/jobs", UriKind.Relative))).EnumerateArray().Last();
            var jobStarted = job.GetProperty("started_at").GetDateTimeOffset();
            var jobFinished = job.GetProperty("finished_at").GetDateTimeOffset();
            var submitted = job.GetProperty("submitted_at").GetDateTimeOffset();
            DateTimeOffset Stage(string stage) => events.First(e => e.Type == "lipsync.progress" && e.Data.GetProperty("stage").GetString() == stage).CreatedAt;
            if (index == 0)
            {
                continue; // warm-up: JIT, connection pools, the first ffmpeg start
            }

            steps.Add((stepFinished - stepStarted).TotalMilliseconds);
            jobs.Add((jobFinished - jobStarted).TotalMilliseconds);
            overheads.Add(((stepFinished - stepStarted) - (jobFinished - jobStarted)).TotalMilliseconds);
            preparations.Add((Stage("uploading") - stepStarted).TotalMilliseconds);
            uploads.Add((submitted - Stage("uploading")).TotalMilliseconds);
            downloads.Add((stepFinished - jobFinished).TotalMilliseconds);
            var (httpRequests, sizeBytes) = await StepOutputAsync(database, id);
            requests.Add(httpRequests);
            videos.Add(sizeBytes / 1024.0);
        }

        return new Figures(roundTrip, ffmpegStart, steps, jobs, overheads, preparations, uploads, downloads, requests, videos);
    }

    private static void Row(string label, double p50, double p99) => FigureTable.Row(label, p50, p99, 62, "0.0");

    private static async Task<double> GradioRoundTripAsync(HttpClient runpod)
    {
        var samples = new List<double>();
        for (var index = 0; index < 60; index++)
        {
            var stopwatch = Stopwatch.StartNew();
            using var response = await runpod.GetAsync(new Uri("/config", UriKind.Relative));
            _ = await response.Content.ReadAsByteArrayAsync();
            if (index >= 10)
            {
                samples.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        return Percentiles.Of(samples, 50);
    }

    /// <summary>What one ffmpeg process costs before it does anything: the floor under media preparation.</summary>
    private static async Task<double> FfmpegStartAsync()
    {
        var samples = new List<double>();
        for (var index = 0; index < 12; index++)
        {
            var stopwatch = Stopwatch.StartNew();
            await LipsyncMedia.RunAsync("ffmpeg", "-v", "error", "-version");
            if (index >= 2)
            {
                samples.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        return Percentiles.Of(samples, 50);
    }

    /// <summary>What the step recorded of its render: the HTTP requests it took and the video's size.</summary>
    private static async Task<(double HttpRequests, double SizeBytes)> StepOutputAsync(Npgsql.NpgsqlDataSource database, Guid id)
    {
        await using var command = database.CreateCommand(
            "SELECT (output ->> 'httpRequests')::float8, (output ->> 'sizeBytes')::float8 FROM steps WHERE session_id = @id AND name = 'lipsync'");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDouble(0), reader.GetDouble(1));
    }
}
