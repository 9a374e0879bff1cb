namespace Deckard.Core.Steps;

/// <summary>
/// One pipeline step: read its input from the context, call one collaborator, and say what it produced. Which step
/// comes next is the flow table's business (<see cref="Flows"/>); the runner (claiming, retries, idempotency,
/// tracing, storage) knows no step by name and resolves each run's step from DI, keyed by its name.
/// </summary>
public interface IStep
{
    Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}
