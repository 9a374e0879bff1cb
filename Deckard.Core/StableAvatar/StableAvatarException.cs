namespace Deckard.Core.StableAvatar;

/// <summary>
/// A render that did not produce a video: a reason a person can act on, whether trying later could help, and whether
/// it says the pod is failing (a crash, a lost job, no answer) or only that this job was refused (the app rejected the
/// person's input, or Deckard's own settings), which the circuit breaker must not count against the pod.
/// </summary>
public sealed class StableAvatarException(string reason, bool isTransient, Exception? innerException = null, bool isOutage = true)
    : Exception(reason, innerException)
{
    public bool IsTransient { get; } = isTransient;

    public bool IsOutage { get; } = isOutage;
}
