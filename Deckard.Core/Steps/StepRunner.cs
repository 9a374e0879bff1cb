using System.Diagnostics;
using Deckard.Core.Queue;
using Deckard.Core.Sessions;
using Deckard.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Deckard.Core.Steps;

/// <summary>
/// Runs one delivered step: claim it in PostgreSQL (a duplicate delivery finds nothing to do), execute it, store its
/// result in one transaction; on a transient failure schedule a retry with exponential backoff and jitter (at least
/// what the other side asked in Retry-After); after the last attempt, or on a permanent failure, fail the session
/// with a readable reason and copy the message to the dead-letter stream. Each run resolves its step (keyed by name) in a
/// scope of its own; the flow table says what comes next.
/// </summary>
public sealed partial class StepRunner
{
    private readonly StepStore _store;
    private readonly IServiceScopeFactory _scopes;
    private readonly IConnectionMultiplexer _redis;
    private readonly IOptions<QueueOptions> _options;
    private readonly ILogger<StepRunner> _logger;

    public StepRunner(StepStore store, IServiceScopeFactory scopes, IConnectionMultiplexer redis, IOptions<QueueOptions> options, ILogger<StepRunner> logger)
    {
        _store = store;
        _scopes = scopes;
        _redis = redis;
        _options = options;
        _logger = logger;
    }

    /// <param name="takenOver">
    /// The message was taken over from a consumer that died: it may continue a step left running. A fresh delivery finds
    /// a running step busy (a duplicate message) and leaves it alone.
    /// </param>
    public async Task RunAsync(StepMessage message, bool takenOver, CancellationToken cancellationToken)
    {
        // Every log line of this run carries the session and the step as scope fields (never the prompt or transcript).
        using var logScope = _logger.BeginScope(new Dictionary<string, object>
        {
            ["SessionId"] = message.SessionId,
            ["Step"] = message.Step,
            ["StepInstance"] = message.Instance,
        });
        var started = Stopwatch.GetTimestamp();
        var claim = await _store.ClaimAsync(message.SessionId, message.Step, message.Instance, takenOver, cancellationToken);
        if (claim is not StepClaim.Claimed { Context: var context })
        {
            LogNothingToDo(_logger, message.Step, message.SessionId);
            return;
        }

        Activity.Current?.SetTag("deckard.step.attempt", context.Attempt);
        await using var scope = _scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetKeyedService<IStep>(message.Step) is not { } step)
        {
            await FailAsync(context, message, $"No worker knows the step '{message.Step}'.", cancellationToken);
            return;
        }

        StepResult result;
        try
        {
            result = await step.ExecuteAsync(context, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            var failure = StepFailure.From(exception);
            Activity.Current?.SetStatus(ActivityStatusCode.Error, failure.Reason);
            if (failure.IsTransient && context.Attempt < _options.Value.MaxAttempts)
            {
                var delay = RetryDelay(context.Attempt, failure.RetryAfter);
                LogRetrying(_logger, message.Step, message.SessionId, context.Attempt, delay.TotalMilliseconds);
                await _store.ScheduleRetryAsync(context, failure.Reason, delay, message.TraceParent, cancellationToken);
                DeckardMetrics.RecordRetry(message.Step, exception.GetType().Name);
                DeckardMetrics.RecordStep(message.Step, "retrying", Stopwatch.GetElapsedTime(started));
            }
            else
            {
                var reason = failure.IsTransient
                    ? $"{failure.Reason} (gave up after {context.Attempt} attempts)"
                    : failure.Reason;
                await FailAsync(context, message, reason, cancellationToken);
                DeckardMetrics.RecordStep(message.Step, "failed", Stopwatch.GetElapsedTime(started));
            }

            return;
        }

        // An extra run (a conversation turn's render) is outside the flow: nothing follows it.
        var facts = context.Facts with { Intent = result.Intent?.Intent ?? context.Intent };
        var next = result.EndsFlow || context.Instance.Length > 0 ? null : Flows.After(message.Step, facts);
        var goesLive = next is null && !result.EndsFlow && context.Instance.Length == 0 && Flows.GoesLive(message.Step, facts);
        var completion = await _store.CompleteAsync(context, result, next, goesLive, message.TraceParent, cancellationToken);
        if (completion == StepCompletion.Overtaken)
        {
            LogOvertaken(_logger, message.Step, message.SessionId, context.Attempt);
            DeckardMetrics.RecordStep(message.Step, "overtaken", Stopwatch.GetElapsedTime(started));
            return;
        }

        DeckardMetrics.RecordStep(message.Step, "completed", Stopwatch.GetElapsedTime(started));
        if (completion == StepCompletion.SessionCompleted)
        {
            DeckardMetrics.RecordSessionEnded(SessionStatus.Completed);
        }
    }

    /// <summary>Exponential backoff with full jitter on the upper half, never sooner than the server asked.</summary>
    public TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        var options = _options.Value;
        var exponential = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exponential, options.RetryMaxDelay.TotalMilliseconds);
        var jittered = capped / 2 + Random.Shared.NextDouble() * capped / 2;
        var delay = TimeSpan.FromMilliseconds(jittered);
        return retryAfter is { } asked && asked > delay ? asked : delay;
    }

    private async Task FailAsync(StepContext context, StepMessage message, string reason, CancellationToken cancellationToken)
    {
        LogFailed(_logger, message.Step, message.SessionId, context.Attempt);
        var outcome = await _store.FailAsync(context, reason, cancellationToken);
        if (outcome == StepFailureOutcome.StepFailedSessionCompleted)
        {
            DeckardMetrics.RecordSessionEnded(SessionStatus.Completed);
        }

        if (outcome is not StepFailureOutcome.Overtaken)
        {
            if (outcome == StepFailureOutcome.SessionFailed)
            {
                DeckardMetrics.RecordSessionEnded(SessionStatus.Failed);
            }

            DeckardMetrics.RecordDeadLetter(message.Step);
            await _redis.GetDatabase().StreamAddAsync(
                _options.Value.DeadLetterStreamName,
                [.. message.ToEntries(), new NameValueEntry("attempts", context.Attempt), new NameValueEntry("reason", reason)],
                maxLength: _options.Value.MaxStreamLength,
                useApproximateMaxLength: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Nothing to do for step {Step} of session {SessionId} (duplicate delivery or session ended)")]
    private static partial void LogNothingToDo(ILogger logger, string step, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Step {Step} of session {SessionId} failed on attempt {Attempt}; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string step, Guid sessionId, int attempt, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Step {Step} of session {SessionId} failed for good on attempt {Attempt}")]
    private static partial void LogFailed(ILogger logger, string step, Guid sessionId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Step {Step} of session {SessionId} attempt {Attempt} was overtaken; its result was discarded")]
    private static partial void LogOvertaken(ILogger logger, string step, Guid sessionId, int attempt);
}
