namespace Deckard.Core.StableAvatar;

/// <summary>A render that did not produce a video: a reason a person can act on, and whether trying later could help.</summary>
public sealed class StableAvatarException(string reason, bool isTransient, Exception? innerException = null)
    : Exception(reason, innerException)
{
    public bool IsTransient { get; } = isTransient;
}
