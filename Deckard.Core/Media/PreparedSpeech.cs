namespace Deckard.Core.Media;

/// <summary>Speech ready for StableAvatar: its length (padding included), and whether it was converted without ffmpeg.</summary>
public sealed record PreparedSpeech(TimeSpan Duration, bool InProcess);
