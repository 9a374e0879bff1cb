using System.ComponentModel.DataAnnotations;

namespace Deckard.Core.OpenAI;

/// <summary>
/// Where OpenAI is and which models Deckard asks (configuration section <c>OpenAI</c>). The endpoint and key come from
/// <c>ConnectionStrings:openai</c> (<c>Endpoint=...;Key=...</c>, what the AppHost sets) or from <c>OpenAI:Endpoint</c>
/// and <c>OpenAI:ApiKey</c> (or <c>OPENAI_API_KEY</c>) when run without it.
/// </summary>
public sealed class OpenAIOptions
{
    public const string SectionName = "OpenAI";

    [Required]
    public Uri Endpoint { get; set; } = new("https://api.openai.com/v1");

    [Required]
    public string ApiKey { get; set; } = "";

    [Required]
    public string TranscriptionModel { get; set; } = "gpt-4o-mini-transcribe";

    /// <summary>The model that picks the flow (one Responses call with function tools).</summary>
    [Required]
    public string RouterModel { get; set; } = "gpt-5-mini";

    /// <summary>The portrait model (Images API).</summary>
    [Required]
    public string ImageModel { get; set; } = "gpt-image-1";

    /// <summary><c>1024x1024</c>, <c>1024x1536</c>, <c>1536x1024</c> or <c>auto</c>; lip-sync crops a centred square.</summary>
    [RegularExpression("^(1024x1024|1024x1536|1536x1024|auto)$")]
    public string ImageSize { get; set; } = "1024x1024";

    /// <summary><c>low</c>, <c>medium</c>, <c>high</c> or <c>auto</c> (price and time grow with it).</summary>
    [RegularExpression("^(low|medium|high|auto)$")]
    public string ImageQuality { get; set; } = "medium";

    /// <summary>The model that answers questions with the <c>web_search</c> tool (Responses API).</summary>
    [Required]
    public string SearchModel { get; set; } = "gpt-5";

    /// <summary><c>minimal</c>, <c>low</c>, <c>medium</c> or <c>high</c>.</summary>
    [RegularExpression("^(minimal|low|medium|high)$")]
    public string SearchReasoningEffort { get; set; } = "medium";

    /// <summary>An identical question (per person) within this window reuses the stored answer; zero turns reuse off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan AnswerReuseWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The spoken version of an answer is cut at a sentence end near this length.</summary>
    [Range(40, 4096)]
    public int SpokenAnswerMaxCharacters { get; set; } = 600;

    /// <summary>The model of live conversations (Realtime API, WebSocket).</summary>
    [Required]
    public string RealtimeModel { get; set; } = "gpt-realtime";

    /// <summary>The text-to-speech model (<c>/v1/audio/speech</c>).</summary>
    [Required]
    public string SpeechModel { get; set; } = "gpt-4o-mini-tts";

    /// <summary>The voice when a session names none in <c>options.voice</c>.</summary>
    [Required]
    public string SpeechVoice { get; set; } = "alloy";

    /// <summary><c>mp3</c>, <c>opus</c>, <c>aac</c>, <c>flac</c> or <c>wav</c> (raw <c>pcm</c> has no header lip-sync could read).</summary>
    [RegularExpression("^(mp3|opus|aac|flac|wav)$")]
    public string SpeechFormat { get; set; } = "mp3";

    /// <summary>Per request; web search with reasoning can take minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
