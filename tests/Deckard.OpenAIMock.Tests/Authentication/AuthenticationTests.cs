using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;

namespace Deckard.OpenAIMock.Tests.Authentication;

public sealed class AuthenticationTests(OpenAIMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task A_wrong_api_key_is_refused_with_401_as_a_ClientResultException()
    {
        var audio = Server.Client(apiKey: "sk-not-the-right-one").GetAudioClient("gpt-4o-mini-tts");

        var failure = await Assert.ThrowsAsync<ClientResultException>(() => audio.GenerateSpeechAsync("Hello", OpenAI.Audio.GeneratedSpeechVoice.Alloy));

        Assert.Equal(401, failure.Status);
        Assert.Contains("invalid_api_key", failure.Message, StringComparison.Ordinal);
        var journal = await Admin.RequestsAsync();
        Assert.Equal(401, (int?)Assert.Single(journal)["status"]);
    }

    [Fact]
    public async Task A_missing_api_key_is_refused_before_the_body_is_validated()
    {
        using var http = Server.Http(apiKey: null);

        using var response = await http.PostAsync("v1/responses", new StringContent("not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Contains("didn't provide an API key", (string?)error["message"], StringComparison.Ordinal);
        Assert.True(((JsonObject)error).ContainsKey("param"));
        Assert.True(((JsonObject)error).ContainsKey("code"));
    }

    [Fact]
    public async Task Realtime_handshake_with_a_wrong_key_is_refused_with_401()
    {
        var realtime = Server.Realtime(apiKey: "sk-wrong");

        var failure = await Assert.ThrowsAsync<WebSocketException>(() => realtime.StartConversationSessionAsync("gpt-realtime"));

        Assert.Contains("401", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_may_pass_the_key_as_the_insecure_api_key_subprotocol()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("realtime");
        socket.Options.AddSubProtocol("openai-insecure-api-key." + OpenAIMockServer.ApiKey);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await socket.ConnectAsync(new Uri($"ws://{Server.BaseUri.Authority}/v1/realtime?model=gpt-realtime"), deadline.Token);
        var buffer = new byte[64 * 1024];
        var received = await socket.ReceiveAsync(buffer, deadline.Token);

        Assert.Equal("realtime", socket.SubProtocol);
        Assert.Equal(WebSocketMessageType.Text, received.MessageType);
        var first = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, received.Count))!;
        Assert.Equal("session.created", (string?)first["type"]);
        Assert.Equal("realtime", (string?)first["session"]!["type"]);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", deadline.Token);
    }

    [Fact]
    public async Task An_unknown_v1_path_answers_404_with_OpenAIs_error_body()
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/chat/unknown", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("Invalid URL (POST /v1/chat/unknown)", (string?)error["message"]);
    }
}
