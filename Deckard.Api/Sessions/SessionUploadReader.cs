using System.Text;
using System.Text.Json;
using Deckard.Core.Artifacts;
using Deckard.Core.Conversations;
using Deckard.Core.Media;
using Deckard.Core.OpenAI;
using Deckard.Core.Sessions;
using Deckard.Core.Storage;
using Deckard.Core.Telemetry;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SessionOptions = Deckard.Core.Sessions.SessionOptions;

namespace Deckard.Api.Sessions;

/// <summary>
/// Reads a <c>POST /api/sessions</c> body section by section: the audio is streamed to a temporary file (never held in
/// memory) while its size is counted, then recognised by its bytes and checked with ffprobe; prompt and options are
/// read with their own limits. Any problem is an <see cref="UploadProblem"/>, raised before anything is stored.
/// </summary>
public sealed class SessionUploadReader(IOptions<UploadOptions> options)
{
    public const string AudioField = "audio";
    public const string PromptField = "prompt";
    public const string OptionsField = "options";
    public const string PortraitField = "portrait";
    public const string SpeechField = "speech";
    public const string ConsentField = "consent";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Smaller than this, there is no face to animate.</summary>
    private const int MinimumPortraitSide = 64;

    /// <summary>The parsed session and the spooled files, which the caller deletes once stored.</summary>
    public async Task<(NewSession Session, IReadOnlyList<string> SpoolPaths)> ReadAsync(HttpRequest request, string owner, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var boundary = Boundary(request.ContentType);
        if (request.ContentLength > limits.MaxRequestBytes)
        {
            throw BoundedRequestBody.TooLarge(limits.MaxRequestBytes);
        }

        var reader = new MultipartReader(boundary, new BoundedRequestBody(request.Body, limits.MaxRequestBytes)) { HeadersLengthLimit = 16 * 1024 };
        string? prompt = null;
        SessionOptions? sessionOptions = null;
        string? spoolPath = null;
        AudioFormat? format = null;
        string? portraitPath = null;
        ImageFormat? portraitFormat = null;
        string? speechPath = null;
        AudioFormat? speechFormat = null;
        string? consent = null;
        try
        {
            MultipartSection? section;
            while ((section = await NextSectionAsync(reader, cancellationToken)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) || disposition.Name.Length == 0)
                {
                    throw UploadProblem.BadRequest("malformed-multipart", "Every part of the body needs a Content-Disposition: form-data header with a name.");
                }

                switch (disposition.Name.Value)
                {
                    case AudioField when spoolPath is null:
                        (spoolPath, format) = await SpoolAudioAsync(section.Body, limits, cancellationToken, "audio");
                        break;
                    case PromptField when prompt is null:
                        prompt = await ReadTextAsync(section.Body, limits.MaxPromptCharacters * 4, "prompt",
                            $"The prompt is limited to {limits.MaxPromptCharacters} characters.", cancellationToken);
                        break;
                    case OptionsField when sessionOptions is null:
                        sessionOptions = ParseOptions(await ReadTextAsync(section.Body, limits.MaxOptionsBytes, "options",
                            $"The options are limited to {limits.MaxOptionsBytes} bytes.", cancellationToken));
                        break;
                    case PortraitField when portraitPath is null:
                        (portraitPath, portraitFormat) = await SpoolPortraitAsync(section.Body, limits, cancellationToken);
                        break;
                    case SpeechField when speechPath is null:
                        (speechPath, speechFormat) = await SpoolAudioAsync(section.Body, limits, cancellationToken, "speech");
                        break;
                    case ConsentField when consent is null:
                        consent = (await ReadTextAsync(section.Body, 16, "consent", "The consent field is 'true' or 'false'.", cancellationToken)).Trim();
                        break;
                    case AudioField or PromptField or OptionsField or PortraitField or SpeechField or ConsentField:
                        throw UploadProblem.BadRequest("duplicate-field", $"The field '{disposition.Name.Value}' appears more than once.");
                    default:
                        // Unknown parts are drained and ignored, so clients may send more than this version reads, up to a limit.
                        await SkipUnknownAsync(section.Body, disposition.Name.Value ?? "", limits.MaxUnknownPartBytes, cancellationToken);
                        break;
                }
            }

            prompt = prompt?.Trim();
            if (prompt is { Length: 0 })
            {
                prompt = null;
            }

            if (prompt is { } text && text.Length > limits.MaxPromptCharacters)
            {
                throw new UploadProblem(StatusCodes.Status400BadRequest, "prompt-too-long", "The prompt is too long",
                    $"The prompt has {text.Length} characters; the limit is {limits.MaxPromptCharacters}.");
            }

            CheckCombination(spoolPath is not null, prompt is not null, portraitPath is not null, speechPath is not null, sessionOptions);
            var voiceConsent = CheckConsent(consent, carriesVoice: spoolPath is not null || speechPath is not null, limits.RequireVoiceConsent);
            if (spoolPath is not null)
            {
                await ValidateAudioAsync(spoolPath, format!, limits, cancellationToken, "audio");
            }

            if (speechPath is not null)
            {
                await ValidateAudioAsync(speechPath, speechFormat!, limits, cancellationToken, "speech");
            }

            if (portraitPath is not null)
            {
                await ValidatePortraitAsync(portraitPath, portraitFormat!, cancellationToken);
            }

            var session = new NewSession(
                owner,
                prompt,
                spoolPath is null ? null : new UploadedFile(spoolPath, ArtifactKinds.Audio, format!.ContentType, ArtifactRoles.InputAudio),
                sessionOptions ?? new SessionOptions(),
                DeckardTelemetry.CurrentTraceParent(),
                portraitPath is null ? null : new UploadedFile(portraitPath, ArtifactKinds.Image, portraitFormat!.ContentType, ArtifactRoles.InputPortrait),
                speechPath is null ? null : new UploadedFile(speechPath, ArtifactKinds.Audio, speechFormat!.ContentType, ArtifactRoles.InputSpeech),
                voiceConsent);
            return (session, new[] { spoolPath, portraitPath, speechPath }.OfType<string>().ToList());
        }
        catch
        {
            Delete(spoolPath);
            Delete(portraitPath);
            Delete(speechPath);
            throw;
        }
    }

    public static void Delete(string? path)
    {
        if (path is not null && File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static string Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new UploadProblem(StatusCodes.Status415UnsupportedMediaType, "not-multipart", "Send multipart/form-data",
                "POST /api/sessions takes multipart/form-data with an 'audio' file and/or a 'prompt' text, and optional 'options' JSON.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200)
        {
            throw UploadProblem.BadRequest("no-boundary",
                "The Content-Type multipart/form-data has no boundary parameter; let your HTTP client build the multipart body (e.g. FormData in a browser).");
        }

        return boundary;
    }

    private static async Task SkipUnknownAsync(Stream body, string name, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        long skipped = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            skipped += read;
            if (skipped > limit)
            {
                throw new UploadProblem(StatusCodes.Status413PayloadTooLarge, "part-too-large", "A form part is too large",
                    $"The part '{name}' is not one a session reads (audio, prompt, options, portrait, speech), and it is over {limit / 1024} KB.");
            }
        }
    }

    private static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (IOException exception)
        {
            throw UploadProblem.BadRequest("malformed-multipart", $"The multipart body could not be read: {exception.Message}");
        }
        catch (InvalidDataException exception)
        {
            throw UploadProblem.BadRequest("malformed-multipart", $"The multipart body could not be read: {exception.Message}");
        }
    }

    /// <summary>
    /// Which inputs go together: a voice prompt ('audio') or a text prompt, or a lip-sync of your own speech
    /// ('portrait' plus 'speech').
    /// </summary>
    private static void CheckCombination(bool audio, bool prompt, bool portrait, bool speech, SessionOptions? options)
    {
        if (speech || portrait)
        {
            if (!(speech && portrait))
            {
                throw UploadProblem.BadRequest("lipsync-incomplete",
                    "A lip-sync session needs both a 'portrait' image and the 'speech' audio to animate it with.");
            }

            if (audio || prompt)
            {
                throw UploadProblem.BadRequest("lipsync-with-prompt",
                    "A lip-sync session takes a 'portrait' and 'speech' only; send a question ('audio' or 'prompt') as its own session.");
            }

            if (options is { Lipsync: false } || options?.Intent is not null)
            {
                throw UploadProblem.BadRequest("lipsync-options",
                    "A 'portrait' with 'speech' is a lip-sync session: leave out options.intent, and options.lipsync must not be false.");
            }

            return;
        }

        if (!audio && !prompt)
        {
            throw UploadProblem.BadRequest("no-input",
                "Send a voice prompt as the multipart file field 'audio', or a text prompt as the field 'prompt' " +
                "(or a 'portrait' image with 'speech' audio to lip-sync).");
        }
    }

    private static async Task<(string Path, AudioFormat Format)> SpoolAudioAsync(
        Stream body, UploadOptions limits, CancellationToken cancellationToken, string field)
    {
        var (path, header) = await SpoolAsync(body, limits.MaxAudioBytes, field, cancellationToken,
            new UploadProblem(StatusCodes.Status413PayloadTooLarge, $"{field}-too-large", $"The {field} file is too large",
                $"The {field} file is over the {limits.MaxAudioBytes / (1024 * 1024)} MB limit; send a shorter recording or compress it (e.g. WebM/Opus)."));
        var format = AudioFormat.Sniff(header);
        if (format is null)
        {
            Delete(path);
            throw new UploadProblem(StatusCodes.Status415UnsupportedMediaType, $"{field}-unsupported", "The audio format is not supported",
                $"The '{field}' file is not audio Deckard can use. Send WAV, WebM/Opus, Ogg, MP3, M4A or FLAC (recognised by content, not by file name).");
        }

        return (path, format);
    }

    private static async Task<(string Path, ImageFormat Format)> SpoolPortraitAsync(Stream body, UploadOptions limits, CancellationToken cancellationToken)
    {
        var (path, header) = await SpoolAsync(body, limits.MaxPortraitBytes, PortraitField, cancellationToken,
            new UploadProblem(StatusCodes.Status413PayloadTooLarge, "portrait-too-large", "The portrait is too large",
                $"The portrait is over the {limits.MaxPortraitBytes / (1024 * 1024)} MB limit; it is scaled to 512×512 anyway, so send a smaller image."));
        var format = ImageFormat.Sniff(header);
        if (format is null)
        {
            Delete(path);
            throw new UploadProblem(StatusCodes.Status415UnsupportedMediaType, "portrait-unsupported", "The portrait format is not supported",
                "The 'portrait' file is not an image Deckard can use. Send PNG, JPEG or WebP (recognised by content, not by file name).");
        }

        return (path, format);
    }

    /// <summary>Streams a part to a temporary file, counting bytes; returns the file and its first bytes.</summary>
    private static async Task<(string Path, byte[] Header)> SpoolAsync(
        Stream body, long maxBytes, string field, CancellationToken cancellationToken, UploadProblem tooLarge)
    {
        var path = Path.Combine(Path.GetTempPath(), $"deckard-upload-{Guid.NewGuid():N}");
        try
        {
            var header = new byte[64];
            var headerLength = 0;
            long total = 0;
            var buffer = new byte[81920];
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await ReadBodyAsync(body, buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        throw tooLarge;
                    }

                    if (headerLength < header.Length)
                    {
                        var take = Math.Min(read, header.Length - headerLength);
                        Array.Copy(buffer, 0, header, headerLength, take);
                        headerLength += take;
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            if (total == 0)
            {
                throw UploadProblem.BadRequest($"{field}-empty", $"The {field} file is empty.");
            }

            return (path, header[..headerLength]);
        }
        catch
        {
            Delete(path);
            throw;
        }
    }

    private static async Task ValidatePortraitAsync(string path, ImageFormat format, CancellationToken cancellationToken)
    {
        var probe = await ImageProbe.ProbeAsync(path, cancellationToken);
        if (!probe.IsValid)
        {
            throw UploadProblem.BadRequest("portrait-unreadable", $"The {format.Name} portrait could not be read: {probe.Problem}.");
        }

        if (Math.Min(probe.Width, probe.Height) < MinimumPortraitSide)
        {
            throw UploadProblem.BadRequest("portrait-too-small",
                $"The portrait is {probe.Width}×{probe.Height}; a face needs at least {MinimumPortraitSide} pixels on its shorter side.");
        }
    }

    private static async Task<int> ReadBodyAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException exception)
        {
            throw UploadProblem.BadRequest("malformed-multipart", $"The upload was cut off or malformed: {exception.Message}");
        }
    }

    private static async Task ValidateAudioAsync(string path, AudioFormat format, UploadOptions limits, CancellationToken cancellationToken, string field)
    {
        var probe = await AudioProbe.ProbeAsync(path, format, cancellationToken);
        if (!probe.IsValid)
        {
            throw UploadProblem.BadRequest($"{field}-unreadable", $"The {format.Name} {field} could not be read: {probe.Problem}.");
        }

        if (probe.Duration > limits.MaxAudioDuration)
        {
            throw UploadProblem.BadRequest($"{field}-too-long",
                $"The recording is {probe.Duration.TotalSeconds:0} s long; the limit is {limits.MaxAudioDuration.TotalSeconds:0} s.");
        }
    }

    /// <summary>Whether the person said this voice may be uploaded; refused when a deployment requires it and it is missing.</summary>
    private static bool CheckConsent(string? consent, bool carriesVoice, bool required)
    {
        bool? given = consent switch
        {
            null => null,
            "true" or "yes" or "1" => true,
            "false" or "no" or "0" => false,
            _ => throw UploadProblem.BadRequest("consent-invalid", "The 'consent' field is 'true' or 'false'."),
        };
        if (carriesVoice && required && given != true)
        {
            throw UploadProblem.BadRequest("consent-required",
                "This deployment stores a recorded voice only with the speaker's consent: send the form field consent=true with the recording.");
        }

        return carriesVoice && given == true;
    }

    private static async Task<string> ReadTextAsync(Stream body, int maxBytes, string field, string limitMessage, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        using var text = new MemoryStream();
        int read;
        while ((read = await ReadBodyAsync(body, buffer, cancellationToken)) > 0)
        {
            if (text.Length + read > maxBytes)
            {
                throw new UploadProblem(StatusCodes.Status400BadRequest, $"{field}-too-long", $"The {field} is too long", limitMessage);
            }

            text.Write(buffer, 0, read);
        }

        string decoded;
        try
        {
            decoded = StrictUtf8.GetString(text.GetBuffer(), 0, (int)text.Length);
        }
        catch (DecoderFallbackException)
        {
            throw UploadProblem.BadRequest($"{field}-invalid-utf8", $"The {field} is not valid UTF-8 text.");
        }

        // PostgreSQL's text cannot hold NUL, and no person types one.
        if (decoded.Contains('\0', StringComparison.Ordinal))
        {
            throw UploadProblem.BadRequest($"{field}-invalid-text", $"The {field} contains a NUL character.");
        }

        return decoded;
    }

    private static SessionOptions ParseOptions(string json)
    {
        SessionOptions? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<SessionOptions>(json, DeckardJson.Options);
        }
        catch (JsonException exception)
        {
            throw UploadProblem.BadRequest("options-invalid-json",
                $"The 'options' field is not valid JSON ({exception.Message.Split('.')[0]}). Example: {{\"intent\":\"search\",\"lipsync\":false}}");
        }

        if (parsed is null)
        {
            throw UploadProblem.BadRequest("options-invalid-json", "The 'options' field must be a JSON object.");
        }

        if (parsed.Intent is { } intent && !Intent.IsKnown(intent))
        {
            throw UploadProblem.BadRequest("unknown-intent",
                $"The intent '{intent}' is not one of {string.Join(", ", Intent.All.Select(known => $"'{known}'"))}.");
        }

        if (parsed.Style is { } style && !PortraitStyles.IsPreset(style))
        {
            throw UploadProblem.BadRequest("unknown-style",
                $"The style '{style}' is not one of {string.Join(", ", PortraitStyles.Presets.Keys.Select(known => $"'{known}'"))}.");
        }

        if (parsed.Voice is { } voice && !SpeechVoices.IsKnown(voice))
        {
            throw UploadProblem.BadRequest("unknown-voice",
                $"The voice '{voice}' is not one of {string.Join(", ", SpeechVoices.All.Select(known => $"'{known}'"))}.");
        }

        if (parsed.LipsyncPer is { } per && !ConversationLipsync.All.Contains(per))
        {
            throw UploadProblem.BadRequest("unknown-lipsync-per",
                $"options.lipsyncPer '{per}' is not one of {string.Join(", ", ConversationLipsync.All.Select(known => $"'{known}'"))}.");
        }

        return parsed;
    }
}
