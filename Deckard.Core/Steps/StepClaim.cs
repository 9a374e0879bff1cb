namespace Deckard.Core.Steps;

/// <summary>The outcome of claiming a step for one run.</summary>
public abstract record StepClaim
{
    /// <summary>The step is this worker's to run (attempt <see cref="StepContext.Attempt"/>).</summary>
    public sealed record Claimed(StepContext Context) : StepClaim;

    /// <summary>Nothing to do: the step is done, failed or cancelled, or its session has ended (a duplicate delivery).</summary>
    public sealed record NothingToDo(string Reason) : StepClaim;
}
