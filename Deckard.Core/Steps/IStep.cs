namespace Deckard.Core.Steps;

/// <summary>
/// One pipeline step: read its input from the context, call one collaborator, and say what it produced and what
/// comes next. The runner (claiming, retries, idempotency, tracing, storage) knows no step by name.
/// </summary>
public interface IStep
{
    string Name { get; }

    Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}
