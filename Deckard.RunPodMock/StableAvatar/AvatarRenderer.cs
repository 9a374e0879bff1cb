using System.Globalization;
using System.Text;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Media;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.StableAvatar;

/// <summary>
/// Makes the video the real model would: the reference image resized to width×height at the requested fps, as long
/// as the audio, H.264 with the audio muxed as AAC. The lower part of the face (the jaw, from 60% of the height down)
/// drops by up to 6% of the height with the loudness of each frame, so the mouth moves with the speech.
/// </summary>
public sealed class AvatarRenderer(IOptions<RunPodMockOptions> options, ILogger<AvatarRenderer> logger)
{
    public async Task<(string? Video, string? Error)> RenderAsync(GenerateRequest request, AudioTrack audio, string scratch, CancellationToken cancellationToken)
    {
        var media = options.Value.Media;
        var width = request.Width;
        var height = request.Height;
        var jawTop = (int)(height * 0.6) / 2 * 2;
        var jawHeight = height - jawTop;
        var maxDrop = Math.Max(2, (int)(height * 0.06));

        var commands = Path.Combine(scratch, "jaw.cmd");
        await File.WriteAllTextAsync(commands, JawCommands(audio.LoudnessPerFrame(request.Fps), request.Fps, jawTop, maxDrop), cancellationToken);

        var fps = request.Fps.ToString("0.###", CultureInfo.InvariantCulture);
        var output = Path.Combine(scratch, "render.mp4");
        var filter =
            $"[0:v]scale={width}:{height},setsar=1,format=yuv420p,sendcmd=f='{Escape(commands)}',split[bg][src];" +
            $"[src]crop={width}:{jawHeight}:0:{jawTop}[jaw];" +
            $"[bg][jaw]overlay@jaw=x=0:y={jawTop}[v]";
        string[] arguments =
        [
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-loop", "1", "-framerate", fps, "-i", request.ImagePath,
            "-i", request.AudioPath,
            "-filter_complex", filter,
            "-map", "[v]", "-map", "1:a:0",
            "-c:v", "libx264", "-preset", media.X264Preset, "-pix_fmt", "yuv420p", "-r", fps,
            "-c:a", "aac", "-b:a", "128k",
            "-t", audio.Seconds.ToString("0.######", CultureInfo.InvariantCulture),
            "-movflags", "+faststart",
            output,
        ];

        // A render that has not finished in this time is stuck (ffmpeg looping on an input it cannot decode).
        using var stuck = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(60, audio.Seconds * 10)));
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stuck.Token);
        var started = TimeProvider.System.GetTimestamp();
        MediaTool.Result result;
        try
        {
            result = await MediaTool.RunAsync(media.FfmpegPath, arguments, either.Token);
        }
        catch (OperationCanceledException) when (stuck.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, "ffmpeg did not finish the render in time and was stopped.");
        }

        if (!result.Succeeded)
        {
            return (null, result.Errors.Trim());
        }

        logger.LogInformation("Rendered {Width}x{Height} at {Fps} fps, {Seconds:0.00} s of audio, {Bytes} bytes in {Elapsed:0} ms",
            width, height, fps, audio.Seconds, new FileInfo(output).Length, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        return (output, null);
    }

    /// <summary>An ffmpeg <c>sendcmd</c> script moving the jaw overlay, one line per frame where the position changes.</summary>
    private static string JawCommands(double[] loudness, double fps, int jawTop, int maxDrop)
    {
        var script = new StringBuilder();
        var last = -1;
        for (var frame = 0; frame < loudness.Length; frame++)
        {
            var y = jawTop + (int)Math.Round(maxDrop * loudness[frame]);
            if (y == last)
            {
                continue;
            }

            last = y;
            script.Append((frame / fps).ToString("0.######", CultureInfo.InvariantCulture))
                .Append(" overlay@jaw y ").Append(y.ToString(CultureInfo.InvariantCulture)).Append(";\n");
        }

        if (script.Length == 0)
        {
            script.Append("0 overlay@jaw y ").Append(jawTop.ToString(CultureInfo.InvariantCulture)).Append(";\n");
        }

        return script.ToString();
    }

    /// <summary>Quotes a path for a filtergraph option value.</summary>
    private static string Escape(string path) => path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "'\\''", StringComparison.Ordinal);
}
