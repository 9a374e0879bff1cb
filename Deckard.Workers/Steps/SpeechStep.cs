using Deckard.Core.Artifacts;
using Deckard.Core.OpenAI;
using Deckard.Core.Steps;
using Microsoft.Extensions.Options;
using OpenAI.Audio;

namespace Deckard.Workers.Steps;

/// <summary>
/// The spoken answer: the answer's spoken version through <c>/v1/audio/speech</c> (gpt-4o-mini-tts) in the session's
/// voice, stored as the <c>answer-speech</c> audio artifact. An answer with nothing to speak is never sent: the
/// session then completes with its written answer.
/// </summary>
[Step(StepNames.Speech)]
public sealed partial class SpeechStep(
    [FromKeyedServices(AudioClients.Speech)] AudioClient speech, IOptions<OpenAIOptions> options, ILogger<SpeechStep> logger) : IStep
{
    private static readonly IReadOnlyDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        ["mp3"] = "audio/mpeg",
        ["opus"] = "audio/ogg",
        ["aac"] = "audio/aac",
        ["flac"] = "audio/flac",
        ["wav"] = "audio/wav",
    };

    public async Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var text = context.Result(WebSearchStep.ResultName) is { } answer && answer.TryGetProperty("spokenText", out var spoken)
            ? spoken.GetString()?.Trim()
            : null;
        if (string.IsNullOrEmpty(text))
        {
            LogNothingToSay(logger, context.SessionId);
            return new StepResult { EndsFlow = true, Output = new { skipped = "The answer has nothing to speak." } };
        }

        var settings = options.Value;
        var voice = context.Options.Voice ?? settings.SpeechVoice;
        using var activity = GenAITelemetry.StartCall("generate_content", settings.SpeechModel);
        activity?.SetTag("gen_ai.output.type", "speech");
        BinaryData audio = await speech.GenerateSpeechAsync(
            text, new GeneratedSpeechVoice(voice), new SpeechGenerationOptions { ResponseFormat = new GeneratedSpeechFormat(settings.SpeechFormat) },
            cancellationToken);
        var bytes = audio.ToArray();
        if (bytes.Length == 0)
        {
            throw new StepFailedException("The speech model answered with no audio.", isTransient: true);
        }

        // Speech reports no tokens: the call itself is what the cost estimate prices.
        var usage = new ModelUsage(settings.SpeechModel, null, null, null);
        GenAITelemetry.RecordUsage(activity, "generate_content", usage);
        LogSpoken(logger, context.SessionId, text.Length, bytes.Length);
        return new StepResult
        {
            Artifacts = [NewArtifact.FromBytes(ArtifactKinds.Audio, ArtifactRoles.AnswerSpeech, ContentTypes[settings.SpeechFormat], bytes)],
            Output = new { characters = text.Length, voice, format = settings.SpeechFormat, sizeBytes = bytes.Length },
            Usage = usage,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: the answer has nothing to speak; no speech is made")]
    private static partial void LogNothingToSay(ILogger logger, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: spoke {Characters} characters into {Bytes} bytes of audio")]
    private static partial void LogSpoken(ILogger logger, Guid sessionId, int characters, int bytes);
}
