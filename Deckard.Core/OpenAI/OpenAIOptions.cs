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

    /// <summary>Per request; web search with reasoning can take minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
