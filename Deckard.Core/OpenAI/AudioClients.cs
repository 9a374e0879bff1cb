namespace Deckard.Core.OpenAI;

/// <summary>The DI keys of the two <c>AudioClient</c>s, each bound to its model.</summary>
public static class AudioClients
{
    public const string Transcription = "transcription";
    public const string Speech = "speech";
}
