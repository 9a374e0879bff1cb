using Deckard.Core.Artifacts;
using Deckard.Core.Events;
using Deckard.Core.Media;
using Deckard.Core.OpenAI;
using Deckard.Core.Sessions;
using Deckard.Core.Steps;
using Microsoft.Extensions.Options;
using OpenAI.Audio;

namespace Deckard.Workers.Steps;

/// <summary>The uploaded voice prompt → text, with <c>AudioClient.TranscribeAudioAsync</c>.</summary>
[Step(StepNames.Transcribe)]
public sealed class TranscribeStep(
    [FromKeyedServices(AudioClients.Transcription)] AudioClient audio, ArtifactStore artifacts, IOptions<OpenAIOptions> options) : IStep
{
    public async Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var recording = await artifacts.ReadByRoleAsync(context.SessionId, ArtifactRoles.InputAudio, cancellationToken)
            ?? throw new StepFailedException("The session has no uploaded audio to transcribe.");
        // Every accepted upload format is one OpenAI reads; the file name's extension is how it is told which.
        var format = AudioFormat.FromContentType(recording.ContentType)
            ?? throw new StepFailedException($"The uploaded audio has a type ({recording.ContentType}) Deckard cannot transcribe.");
        var model = options.Value.TranscriptionModel;

        using var activity = GenAITelemetry.StartCall("transcription", model);
        using var stream = new MemoryStream(recording.Data, writable: false);
        AudioTranscription transcription = await audio.TranscribeAudioAsync(
            stream, $"voice.{format.Extension}", new AudioTranscriptionOptions(), cancellationToken);

        var text = transcription.Text?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw new StepFailedException("No speech was recognised in the recording. Speak closer to the microphone and try again.");
        }

        // Token-billed models report tokens; duration-billed ones (whisper-1) report seconds, which count as none here.
        var tokens = transcription.Usage as AudioTranscriptionTokenUsage;
        var usage = new ModelUsage(model, tokens?.InputTokenCount, tokens?.OutputTokenCount, tokens?.TotalTokenCount);
        GenAITelemetry.RecordUsage(activity, "transcription", usage);
        return new StepResult
        {
            Transcript = text,
            Events = [(EventTypes.TranscriptReady, new TranscriptReadyData(text, transcription.Language, transcription.Duration?.TotalSeconds))],
            Artifacts = [NewArtifact.FromBytes(ArtifactKinds.Transcript, ArtifactRoles.Transcript, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(text))],
            Output = new { characters = text.Length, language = transcription.Language },
            Usage = usage,
        };
    }
}
