using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Tests.Infrastructure;

/// <summary>
/// Raw HTTP calls to the Gradio surface, written from the protocol reference (not from Deckard's client or the stand-in's
/// code): multipart upload, FileData objects with <c>meta</c>, the 18 <c>/generate</c> inputs by their reference order.
/// </summary>
public sealed class GradioApi(HttpClient http, TestMedia media) : IDisposable
{
    /// <summary>StableAvatar's <c>/generate</c> inputs in order, with the defaults the reference lists.</summary>
    public static readonly (string Name, JsonNode? Default)[] Parameters =
    [
        ("GPU_memory_mode", "Normal"),
        ("teacache_threshold", 0),
        ("num_skip_start_steps", 5),
        ("clip_sample_n_frames", 81),
        ("image_path", null),
        ("audio_path", null),
        ("prompt", ""),
        ("negative_prompt", null),
        ("width", 512),
        ("height", 512),
        ("guidance_scale", 6.0),
        ("num_inference_steps", 10),
        ("text_guide_scale", 3.0),
        ("audio_guide_scale", 5.0),
        ("motion_frame", 25),
        ("fps", 25),
        ("overlap_window_length", 5),
        ("seed_param", -1),
    ];

    public const string Prefix = "gradio_api/";

    public HttpClient Http { get; } = http;

    public static int IndexOf(string name) => Array.FindIndex(Parameters, parameter => parameter.Name == name);

    /// <summary><c>POST {prefix}upload</c> with one <c>files</c> part per file; the paths the server returns.</summary>
    public async Task<List<string>> UploadAsync(string prefix, params (byte[] Content, string Name)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (content, name) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }

        using var response = await Http.PostAsync(prefix + "upload", form);
        response.EnsureSuccessStatusCode();
        return [.. (await response.Content.ReadFromJsonAsync<JsonArray>())!.Select(path => (string)path!)];
    }

    /// <summary>Uploads the portrait and the audio and returns the inputs for a fast render (256×256, 1 step, 41-frame windows).</summary>
    public async Task<JsonArray> InputsAsync(byte[]? audio = null, string prefix = Prefix, Action<JsonArray>? change = null)
    {
        var paths = await UploadAsync(prefix, (media.Portrait, "portrait.png"), (audio ?? media.Speech, "speech.wav"));
        var data = Inputs(FileObject(paths[0], "portrait.png"), FileObject(paths[1], "speech.wav"));
        change?.Invoke(data);
        return data;
    }

    public static JsonArray Inputs(JsonNode image, JsonNode audio)
    {
        var data = new JsonArray([.. Parameters.Select(parameter => parameter.Default?.DeepClone())]);
        data[IndexOf("image_path")] = image;
        data[IndexOf("audio_path")] = audio;
        data[IndexOf("negative_prompt")] = "";
        data[IndexOf("clip_sample_n_frames")] = 41;
        data[IndexOf("width")] = 256;
        data[IndexOf("height")] = 256;
        data[IndexOf("num_inference_steps")] = 1;
        data[IndexOf("seed_param")] = 42;
        return data;
    }

    public static void Set(JsonArray data, string name, JsonNode? value) => data[IndexOf(name)] = value;

    /// <summary>A FileData input as the reference says to send it: path, orig_name and <c>meta</c>.</summary>
    public static JsonObject FileObject(string path, string name) => new()
    {
        ["path"] = path,
        ["orig_name"] = name,
        ["meta"] = new JsonObject { ["_type"] = "gradio.FileData" },
    };

    /// <summary><c>POST {prefix}call/generate</c>; the raw response.</summary>
    public Task<HttpResponseMessage> PostCallAsync(JsonNode body, string prefix = Prefix) =>
        Http.PostAsync(prefix + "call/generate", Json(body));

    /// <summary><c>POST {prefix}call/generate</c> with <c>{"data": [...]}</c>; the event id.</summary>
    public async Task<string> CallAsync(JsonArray data, string prefix = Prefix)
    {
        using var response = await PostCallAsync(new JsonObject { ["data"] = data.DeepClone() }, prefix);
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["event_id"]!;
    }

    public Task<SseReader> CallStreamAsync(string eventId, string prefix = Prefix) =>
        SseReader.OpenAsync(Http, $"{prefix}call/generate/{eventId}");

    /// <summary>Calls and reads the result stream to its end.</summary>
    public async Task<List<SseFrame>> CallAndReadAsync(JsonArray data, string prefix = Prefix)
    {
        var eventId = await CallAsync(data, prefix);
        await using var stream = await CallStreamAsync(eventId, prefix);
        return await stream.ReadToEndAsync();
    }

    /// <summary><c>POST {prefix}queue/join</c> as the official clients send it.</summary>
    public Task<HttpResponseMessage> JoinAsync(string sessionHash, JsonArray data, int fnIndex = 1, string prefix = Prefix) =>
        Http.PostAsync(prefix + "queue/join", Json(new JsonObject
        {
            ["data"] = data.DeepClone(),
            ["event_data"] = null,
            ["fn_index"] = fnIndex,
            ["trigger_id"] = 18,
            ["session_hash"] = sessionHash,
        }));

    public async Task<string> JoinForEventAsync(string sessionHash, JsonArray data, string prefix = Prefix)
    {
        using var response = await JoinAsync(sessionHash, data, prefix: prefix);
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["event_id"]!;
    }

    public Task<SseReader> QueueDataAsync(string sessionHash, string prefix = Prefix) =>
        SseReader.OpenAsync(Http, $"{prefix}queue/data?session_hash={sessionHash}");

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static string NewSessionHash() => Guid.NewGuid().ToString("N")[..11];

    /// <summary>The video file object of a <c>complete</c> event, in either output shape.</summary>
    public static JsonObject VideoFile(JsonNode completeData)
    {
        var first = completeData[0]!;
        return (JsonObject)(first["video"] ?? first);
    }

    public async Task<byte[]> DownloadAsync(JsonObject file, string prefix = Prefix) =>
        await Http.GetByteArrayAsync(prefix + "file=" + (string)file["path"]!);

    public void Dispose() => Http.Dispose();
}
