namespace Deckard.OpenAIMock.Scripting;

/// <summary>The surfaces a script can target; each has its own queue of scripted steps.</summary>
public enum MockEndpoint
{
    Transcriptions,
    Responses,
    Images,
    Speech,
    /// <summary>The WebSocket handshake and the connection as a whole.</summary>
    Realtime,
    /// <summary>Each <c>response.create</c> on a realtime connection.</summary>
    RealtimeResponse,
    /// <summary>Each committed user turn on a realtime connection (its input transcription).</summary>
    RealtimeTranscription,
}

public static class MockEndpointNames
{
    private static readonly Dictionary<string, MockEndpoint> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["transcriptions"] = MockEndpoint.Transcriptions,
        ["responses"] = MockEndpoint.Responses,
        ["images"] = MockEndpoint.Images,
        ["speech"] = MockEndpoint.Speech,
        ["realtime"] = MockEndpoint.Realtime,
        ["realtime-response"] = MockEndpoint.RealtimeResponse,
        ["realtime-transcription"] = MockEndpoint.RealtimeTranscription,
    };

    public static IEnumerable<string> All => ByName.Keys;

    public static bool TryParse(string name, out MockEndpoint endpoint) => ByName.TryGetValue(name, out endpoint);

    public static string ToName(this MockEndpoint endpoint) => ByName.First(pair => pair.Value == endpoint).Key;
}
