namespace Deckard.Core.Steps;

/// <summary>A step's own verdict: a reason a person can act on, and whether trying again could help.</summary>
public sealed class StepFailedException(string reason, bool isTransient = false, Exception? innerException = null)
    : Exception(reason, innerException)
{
    public bool IsTransient { get; } = isTransient;
}
