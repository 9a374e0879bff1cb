namespace Deckard.Api.Sessions;

/// <summary>
/// The multipart fields of <c>POST /api/sessions</c>, for the OpenAPI document (the endpoint reads the body itself,
/// streaming: see <see cref="SessionUploadReader"/>). A voice prompt (<see cref="Audio"/>) or a text prompt
/// (<see cref="Prompt"/>), or a lip-sync session (<see cref="Portrait"/> with <see cref="Speech"/>).
/// </summary>
public sealed class CreateSessionForm
{
    /// <summary>A recorded voice prompt: WAV, WebM/Opus, Ogg, MP3, M4A or FLAC, recognised by content.</summary>
    public IFormFile? Audio { get; init; }

    /// <summary>A typed prompt, up to Uploads:MaxPromptCharacters characters.</summary>
    public string? Prompt { get; init; }

    /// <summary>JSON: {"intent", "style", "voice", "lipsync", "avatarId", "lipsyncPer"}, all optional.</summary>
    public string? Options { get; init; }

    /// <summary>A lip-sync session's portrait: PNG, JPEG or WebP.</summary>
    public IFormFile? Portrait { get; init; }

    /// <summary>A lip-sync session's speech, in any of the audio formats.</summary>
    public IFormFile? Speech { get; init; }

    /// <summary>"true" when the speaker agreed to their recorded voice being stored (required where Uploads:RequireVoiceConsent).</summary>
    public string? Consent { get; init; }
}
