using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Security;

/// <summary>
/// Hostile and broken input at every endpoint: each case is answered with its 4xx problem+json and a code, nothing is
/// stored (the principal's sessions and artifacts, the media, the outbox and the queue are unchanged), and the
/// service answers its health check afterwards.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class BadInputTests
{
    private const string Owner = "bad-input-suite";
    private static readonly SemaphoreSlim Setup = new(1, 1);
    private static (SessionsClient Client, Guid Finished)? _shared;
    private readonly PipelineFixture _pipeline;

    public BadInputTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    private sealed record BadInput(Func<Context, Task<HttpResponseMessage>> Send, int Status, string Code);

    private sealed record Context(SessionsClient Client, Guid Finished, Uri Api, string Key);

    private static readonly Dictionary<string, BadInput> Cases = new()
    {
        // POST /api/sessions: the body.
        ["no body and no content type"] = new(c => Post(c, null), 415, "not-multipart"),
        ["a JSON body instead of multipart"] = new(c => Post(c, new StringContent("""{"prompt":"hi"}""", Encoding.UTF8, "application/json")), 415, "unsupported-media-type"),
        ["multipart without a boundary"] = new(c => Post(c, Raw("multipart/form-data", "--x\r\n")), 400, "no-boundary"),
        ["a boundary longer than 200 characters"] = new(c => Post(c, Raw($"multipart/form-data; boundary={new string('b', 250)}", "")), 400, "no-boundary"),
        ["multipart that never closes"] = new(c => Post(c, Raw("multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhello")), 400, "malformed-multipart"),
        ["a part without Content-Disposition"] = new(c => Post(c, Raw("multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XYZ--\r\n")), 400, "malformed-multipart"),
        ["a part with a nameless disposition"] = new(c => Post(c, Raw("multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data\r\n\r\nhello\r\n--XYZ--\r\n")), 400, "malformed-multipart"),
        ["part headers over 16 KB"] = new(c => Post(c, Raw("multipart/form-data; boundary=XYZ", $"--XYZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\nX-Pad: {new string('p', 20_000)}\r\n\r\nhello\r\n--XYZ--\r\n")), 400, "malformed-multipart"),
        ["neither audio nor prompt"] = new(c => Post(c, Form(("options", "{}"))), 400, "no-input"),
        ["an empty audio file"] = new(c => Post(c, File("audio", "empty.wav", [])), 400, "audio-empty"),
        ["text named .wav"] = new(c => Post(c, File("audio", "voice.wav", Encoding.UTF8.GetBytes("just text, not audio\n"))), 415, "audio-unsupported"),
        ["path traversal in the file name"] = new(c => Post(c, File("audio", "../../../../etc/passwd", Encoding.UTF8.GetBytes("root:x:0:0\n"))), 415, "audio-unsupported"),
        ["an absolute path as the file name"] = new(c => Post(c, File("audio", "/var/lib/postgresql/x.wav", Encoding.UTF8.GetBytes("RIFF...."))), 415, "audio-unsupported"),
        ["a WAV header with no audio after it"] = new(c => Post(c, File("audio", "cut.wav", Encoding.ASCII.GetBytes("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00data\x00\x10\x00\x00"))), 400, "audio-unreadable"),
        ["a prompt of 5,000 characters"] = new(c => Post(c, Form(("prompt", new string('a', 5000)))), 400, "prompt-too-long"),
        ["a prompt over its byte limit"] = new(c => Post(c, Form(("prompt", new string('é', 9000)))), 400, "prompt-too-long"),
        ["a prompt of invalid UTF-8"] = new(c => Post(c, Bytes("prompt", [0x48, 0x69, 0xC3, 0x28, 0xFF, 0xFE])), 400, "prompt-invalid-utf8"),
        ["a prompt with a NUL"] = new(c => Post(c, Form(("prompt", "hello\0world"))), 400, "prompt-invalid-text"),
        ["options that are not JSON"] = new(c => Post(c, Form(("prompt", "hi"), ("options", "{intent: search"))), 400, "options-invalid-json"),
        ["options nested 10,000 deep"] = new(c => Post(c, Form(("prompt", "hi"), ("options", new string('[', 5000) + new string(']', 5000)))), 400, "options-invalid-json"),
        ["options nested 100 deep in an object"] = new(c => Post(c, Form(("prompt", "hi"), ("options", "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 101)))), 400, "options-invalid-json"),
        ["options over 16 KB"] = new(c => Post(c, Form(("prompt", "hi"), ("options", $$"""{"style":"{{new string('x', 20_000)}}"}"""))), 400, "options-too-long"),
        ["options as an array"] = new(c => Post(c, Form(("prompt", "hi"), ("options", "[1,2,3]"))), 400, "options-invalid-json"),
        ["options as JSON null"] = new(c => Post(c, Form(("prompt", "hi"), ("options", "null"))), 400, "options-invalid-json"),
        ["options of invalid UTF-8"] = new(c => Post(c, Bytes("options", [0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x7D], ("prompt", "hi"))), 400, "options-invalid-utf8"),
        ["an unknown intent"] = new(c => Post(c, Form(("prompt", "hi"), ("options", """{"intent":"rm -rf /"}"""))), 400, "unknown-intent"),
        ["an unknown voice"] = new(c => Post(c, Form(("prompt", "hi"), ("options", """{"voice":"<script>"}"""))), 400, "unknown-voice"),
        ["an unknown style"] = new(c => Post(c, Form(("prompt", "hi"), ("options", """{"style":"../../etc"}"""))), 400, "unknown-style"),
        ["an avatar id that is not a uuid"] = new(c => Post(c, Form(("prompt", "hi"), ("options", """{"avatarId":"1 OR 1=1"}"""))), 400, "options-invalid-json"),
        ["someone else's avatar id"] = new(c => Post(c, Form(("prompt", "hi"), ("options", $$"""{"avatarId":"{{Guid.NewGuid()}}"}"""))), 400, "unknown-avatar"),
        ["lipsync as a string"] = new(c => Post(c, Form(("prompt", "hi"), ("options", """{"lipsync":"yes please"}"""))), 400, "options-invalid-json"),
        ["the prompt twice"] = new(c => Post(c, Form(("prompt", "one"), ("prompt", "two"))), 400, "duplicate-field"),
        ["a consent that is not a boolean"] = new(c => Post(c, Form(("prompt", "hi"), ("consent", "maybe"))), 400, "consent-invalid"),
        ["a portrait without speech"] = new(async c => await Post(c, File("portrait", "p.png", await TestPortrait.PngAsync())), 400, "lipsync-incomplete"),
        ["a portrait that is not an image"] = new(c => Post(c, File("portrait", "p.png", [0x89, 0x50, 0x4E, 0x47])), 415, "portrait-unsupported"),
        ["an unknown part of 1 MB"] = new(c => Post(c, Form(("prompt", "hi"), ("attachment", new string('z', 1024 * 1024)))), 413, "part-too-large"),
        ["a declared body larger than every limit"] = new(DeclaredHugeBodyAsync, 413, "request-too-large"),
        ["a body larger than every limit, sent slowly"] = new(SlowHugeBodyAsync, 413, "request-too-large"),

        // Headers and methods.
        ["20 KB of headers"] = new(c => Send(c, HttpMethod.Get, "/api/sessions", request => request.Headers.Add("X-Padding", new string('h', 20_000))), 431, "headers-too-large"),
        ["PUT on the sessions collection"] = new(c => Send(c, HttpMethod.Put, "/api/sessions"), 405, "method-not-allowed"),
        ["a forged Deckard key"] = new(c => Send(c, HttpMethod.Get, "/api/sessions", request => request.Headers.Authorization = new("Bearer", "dk_aaaaaaaa_forgedforgedforgedforgedforgedforged")), 401, "invalid-api-key"),
        ["a malformed JWT"] = new(c => Send(c, HttpMethod.Get, "/api/sessions", request => request.Headers.Authorization = new("Bearer", "not.a.jwt")), 401, "invalid-token"),
        ["a forged ticket"] = new(c => Send(c, HttpMethod.Get, $"/api/sessions/{c.Finished}/events?ticket=dkt_forgedforgedforgedforged", request => request.Headers.Authorization = null), 401, "invalid-ticket"),

        // Paging, ids and cursors.
        ["a negative page size"] = new(c => Send(c, HttpMethod.Get, "/api/sessions?limit=-1"), 400, "invalid-limit"),
        ["a huge page size"] = new(c => Send(c, HttpMethod.Get, "/api/sessions?limit=1000000"), 400, "invalid-limit"),
        ["a page size beyond int"] = new(c => Send(c, HttpMethod.Get, "/api/sessions?limit=99999999999999999999"), 400, "invalid-parameter"),
        ["a page size that is not a number"] = new(c => Send(c, HttpMethod.Get, "/api/sessions?limit=ten"), 400, "invalid-parameter"),
        ["a cursor of garbage"] = new(c => Send(c, HttpMethod.Get, "/api/sessions?cursor=%27%3B%20DROP%20TABLE%20sessions%3B--"), 400, "invalid-cursor"),
        ["a cursor of well-formed base64 junk"] = new(c => Send(c, HttpMethod.Get, $"/api/sessions?cursor={Convert.ToBase64String(Encoding.UTF8.GetBytes("2026-13-45|not-a-guid"))}"), 400, "invalid-cursor"),
        ["a negative event position"] = new(c => Send(c, HttpMethod.Get, $"/api/sessions/{c.Finished}/events?after=-5", request => request.Headers.Accept.Add(new("application/json"))), 400, "invalid-after"),
        ["an event position beyond long"] = new(c => Send(c, HttpMethod.Get, $"/api/sessions/{c.Finished}/events?after=999999999999999999999999", request => request.Headers.Accept.Add(new("application/json"))), 400, "invalid-parameter"),
        ["a session id that is not a uuid"] = new(c => Send(c, HttpMethod.Get, "/api/sessions/12345"), 404, "not-found"),
        ["path traversal in a session id"] = new(c => Send(c, HttpMethod.Get, "/api/sessions/..%2F..%2Fetc%2Fpasswd"), 404, "not-found"),
        ["a session id that does not exist"] = new(c => Send(c, HttpMethod.Get, $"/api/sessions/{Guid.NewGuid()}"), 404, "session-not-found"),
        ["cancelling a session that does not exist"] = new(c => Send(c, HttpMethod.Post, $"/api/sessions/{Guid.NewGuid()}/cancel"), 404, "session-not-found"),
        ["cancelling a finished session"] = new(c => Send(c, HttpMethod.Post, $"/api/sessions/{c.Finished}/cancel"), 409, "session-finished"),
        ["deleting a session that does not exist"] = new(c => Send(c, HttpMethod.Delete, $"/api/sessions/{Guid.NewGuid()}"), 404, "session-not-found"),
        ["a ticket for a session that does not exist"] = new(c => Send(c, HttpMethod.Post, $"/api/sessions/{Guid.NewGuid()}/tickets"), 404, "session-not-found"),
        ["a realtime socket on a search session"] = new(c => Send(c, HttpMethod.Get, $"/api/sessions/{c.Finished}/realtime"), 409, "not-a-conversation"),
        ["media without a signature"] = new(c => Send(c, HttpMethod.Get, $"/api/media/{Guid.NewGuid()}"), 403, "invalid-media-signature"),
        ["media with a forged signature"] = new(c => Send(c, HttpMethod.Get, $"/api/media/{Guid.NewGuid()}?expires=4102444800&sig={new string('0', 64)}"), 403, "invalid-media-signature"),
        ["media with an expiry that is not a number"] = new(c => Send(c, HttpMethod.Get, $"/api/media/{Guid.NewGuid()}?expires=tomorrow&sig=x"), 400, "invalid-parameter"),
        ["path traversal in a media id"] = new(c => Send(c, HttpMethod.Get, "/api/media/..%2F..%2F..%2Fetc%2Fshadow"), 404, "not-found"),
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(name => new object[] { name });

    [Fact]
    public void The_suite_covers_at_least_forty_cases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_input_is_answered_with_its_problem_and_leaves_nothing_behind(string name)
    {
        var context = await ContextAsync();
        var before = await StoredAsync();

        using var response = await Cases[name].Send(context);

        var problem = await ProblemAssert.IsProblemAsync(response, Cases[name].Status, Cases[name].Code);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.Equal(before, await StoredAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), "deckard-upload-*"));
        using var health = await _pipeline.Topology.CreateApiClient(bearer: null).GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_websocket_flood_of_small_frames_is_answered_with_rate_limit_errors_and_the_conversation_survives()
    {
        var context = await ContextAsync();
        var id = await context.Client.StartConversationAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(context.Client.Http, id);
        var before = await StoredAsync();

        for (var index = 0; index < 1000; index++)
        {
            await client.SendAsync(new JsonObject { ["type"] = "input_audio_buffer.clear", ["event_id"] = $"flood-{index}" });
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!client.Received.Any(e => e.GetProperty("type").GetString() == "error" && e.GetProperty("error").GetProperty("code").GetString() == "rate_limit_exceeded"))
        {
            Assert.True(DateTime.UtcNow < deadline, "no rate_limit_exceeded error arrived");
            await Task.Delay(100);
        }

        Assert.Null(client.CloseStatus);
        // Still relayed after the flood: the socket and the upstream session survived it.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await client.SendAsync(new JsonObject { ["type"] = "input_audio_buffer.clear", ["event_id"] = "after-the-flood" });
        deadline = DateTime.UtcNow.AddSeconds(10);
        while (client.Received.Count(e => e.GetProperty("type").GetString() == "input_audio_buffer.cleared") <= 200)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {client.Received.Count(e => e.GetProperty("type").GetString() == "input_audio_buffer.cleared")} clears were relayed");
            await Task.Delay(100);
        }

        Assert.Equal(before.AllSessions, (await StoredAsync()).AllSessions);
        await client.HangUpAsync();
        // Ended and settled, so the cases after this one count a quiet table.
        Assert.Equal("session.completed", (await context.Client.WaitForEndAsync(id))[^1].Type);
    }

    /// <summary>
    /// What a refused request must not add to: every session, and the suite principal's media, steps and events (other
    /// tests' sessions may still be finishing in the background, so their rows are not counted).
    /// </summary>
    private async Task<(long AllSessions, long Sessions, long Media, long Steps, long Events)> StoredAsync()
    {
        await using var command = _pipeline.Database.CreateCommand("""
            SELECT (SELECT count(*) FROM sessions),
                   (SELECT count(*) FROM sessions WHERE owner = @owner),
                   (SELECT count(*) FROM artifacts WHERE owner = @owner),
                   (SELECT count(*) FROM steps JOIN sessions ON sessions.id = steps.session_id WHERE sessions.owner = @owner),
                   (SELECT count(*) FROM events JOIN sessions ON sessions.id = events.session_id WHERE sessions.owner = @owner)
            """);
        command.Parameters.AddWithValue("owner", Owner);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    private async Task<Context> ContextAsync()
    {
        await Setup.WaitAsync();
        try
        {
            if (_shared is null)
            {
                var client = await _pipeline.ClientForAsync(Owner);
                var finished = await client.CreatedIdAsync(await client.CreateWithPromptAsync("What is the boiling point of water?", """{"intent":"search","lipsync":false}"""));
                Assert.Equal("session.completed", (await client.WaitForEndAsync(finished))[^1].Type);
                // The relay and the workers have settled: nothing of this session is still on its way into the tables.
                await Task.Delay(500);
                _shared = (client, finished);
            }

            var (shared, id) = _shared.Value;
            return new Context(shared, id, shared.Http.BaseAddress!, shared.Http.DefaultRequestHeaders.Authorization!.Parameter!);
        }
        finally
        {
            Setup.Release();
        }
    }

    private static Task<HttpResponseMessage> Post(Context context, HttpContent? content) =>
        context.Client.Http.PostAsync(new Uri("/api/sessions", UriKind.Relative), content);

    private static async Task<HttpResponseMessage> Send(Context context, HttpMethod method, string path, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = context.Client.Http.DefaultRequestHeaders.Authorization;
        adjust?.Invoke(request);
        using var client = new HttpClient { BaseAddress = context.Api };
        return await client.SendAsync(request);
    }

    private static ByteArrayContent Raw(string contentType, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static MultipartFormDataContent Form(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    private static MultipartFormDataContent Bytes(string name, byte[] value, params (string Name, string Value)[] others)
    {
        var form = Form(others);
        form.Add(new ByteArrayContent(value), name);
        return form;
    }

    private static MultipartFormDataContent File(string name, string fileName, byte[] bytes)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, name, fileName);
        return form;
    }

    /// <summary>Headers that promise 5 GB: refused from the headers alone, before a byte of the body is read.</summary>
    private static async Task<HttpResponseMessage> DeclaredHugeBodyAsync(Context context)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(context.Api.Host, context.Api.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/sessions HTTP/1.1\r\nHost: {context.Api.Authority}\r\nAuthorization: Bearer {context.Key}\r\n" +
                   "Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 5000000000\r\nConnection: close\r\n\r\n--XYZ\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        return await ReadResponseAsync(stream);
    }

    /// <summary>A chunked body that never declares its size, trickled in small chunks until it passes the 41 MB limit.</summary>
    private static async Task<HttpResponseMessage> SlowHugeBodyAsync(Context context)
    {
        using var client = new HttpClient { BaseAddress = context.Api, Timeout = TimeSpan.FromMinutes(2) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/sessions", UriKind.Relative)) { Content = new TrickleContent() };
        request.Headers.Authorization = context.Client.Http.DefaultRequestHeaders.Authorization;
        request.Headers.TransferEncodingChunked = true;
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> ReadResponseAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var status = (await reader.ReadLineAsync())!.Split(' ')[1];
        var response = new HttpResponseMessage((HttpStatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture));
        string? contentType = null;
        string? line;
        while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync()))
        {
            if (line.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))
            {
                contentType = line["Content-Type:".Length..].Trim();
            }
        }

        var body = await reader.ReadToEndAsync();
        // A chunked body: keep the JSON between the chunk sizes.
        var json = body.IndexOf('{', StringComparison.Ordinal) is >= 0 and var start ? body[start..(body.LastIndexOf('}') + 1)] : body;
        response.Content = new StringContent(json);
        response.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return response;
    }

    /// <summary>A valid multipart start, then a 60 KB unknown part every few milliseconds, up to 48 MB.</summary>
    private sealed class TrickleContent : HttpContent
    {
        public TrickleContent() => Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XYZ");

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes("--XYZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhello\r\n"));
                // Each part stays under the 64 KB an unknown part may have, so only the whole body's limit can stop it.
                var chunk = new byte[60 * 1024];
                Array.Fill(chunk, (byte)'s');
                for (var part = 0; part < 48 * 1024 / 60; part++)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"--XYZ\r\nContent-Disposition: form-data; name=\"pad{part}\"\r\n\r\n"));
                    await stream.WriteAsync(chunk);
                    await stream.WriteAsync("\r\n"u8.ToArray());
                    await stream.FlushAsync();
                    await Task.Delay(4);
                }
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException or ObjectDisposedException)
            {
                // The server answered and closed mid-body: what this case expects.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
