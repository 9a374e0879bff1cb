using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Realtime;

public enum VoiceActivity
{
    SpeechStarted,
    SpeechStopped,
}

public sealed record VoiceActivityEvent(VoiceActivity Kind, int AudioMs);

/// <summary>
/// Server VAD on PCM16 24 kHz in 10 ms frames: a frame is speech when its RMS level reaches
/// <c>threshold × 0.04</c> of full scale (threshold 0.5 ≈ -34 dBFS). Speech starts at the first loud frame
/// (reported <c>prefix_padding_ms</c> earlier) and stops after <c>silence_duration_ms</c> of quiet frames.
/// </summary>
public sealed class VoiceActivityDetector
{
    private const int FrameBytes = 480;
    private const int FrameMs = 10;

    private readonly List<byte> _partialFrame = [];
    private int _positionMs;
    private bool _speaking;
    private int _silenceMs;
    private int _lastSpeechEndMs;

    public IReadOnlyList<VoiceActivityEvent> Process(ReadOnlySpan<byte> pcm, JsonObject turnDetection)
    {
        var threshold = (double?)turnDetection["threshold"] ?? 0.5;
        var silenceNeededMs = (int?)turnDetection["silence_duration_ms"] ?? 200;
        var prefixPaddingMs = (int?)turnDetection["prefix_padding_ms"] ?? 300;
        var speechLevel = threshold * 0.04 * short.MaxValue;

        var events = new List<VoiceActivityEvent>();
        _partialFrame.AddRange(pcm);
        var frames = _partialFrame.Count / FrameBytes;
        var bytes = _partialFrame.ToArray();
        for (var frame = 0; frame < frames; frame++)
        {
            var loud = Rms(bytes.AsSpan(frame * FrameBytes, FrameBytes)) >= speechLevel;
            _positionMs += FrameMs;
            if (loud)
            {
                _silenceMs = 0;
                _lastSpeechEndMs = _positionMs;
                if (!_speaking)
                {
                    _speaking = true;
                    events.Add(new VoiceActivityEvent(VoiceActivity.SpeechStarted, Math.Max(0, _positionMs - FrameMs - prefixPaddingMs)));
                }
            }
            else if (_speaking)
            {
                _silenceMs += FrameMs;
                if (_silenceMs >= silenceNeededMs)
                {
                    _speaking = false;
                    events.Add(new VoiceActivityEvent(VoiceActivity.SpeechStopped, _lastSpeechEndMs));
                }
            }
        }

        _partialFrame.RemoveRange(0, frames * FrameBytes);
        return events;
    }

    /// <summary>After the buffer is cleared, a new turn starts from silence.</summary>
    public void Reset()
    {
        _speaking = false;
        _silenceMs = 0;
    }

    private static double Rms(ReadOnlySpan<byte> frame)
    {
        double sum = 0;
        for (var offset = 0; offset < frame.Length; offset += 2)
        {
            double sample = BinaryPrimitives.ReadInt16LittleEndian(frame[offset..]);
            sum += sample * sample;
        }

        return Math.Sqrt(sum / (frame.Length / 2));
    }
}
