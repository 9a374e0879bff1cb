using Deckard.Api.Events;
using Deckard.Api.Media;
using Deckard.Api.OpenApi;
using Deckard.Api.Security;
using Deckard.Api.Telemetry;
using Deckard.Core.Avatars;
using Deckard.Core.Costs;
using Deckard.Core.Sessions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Deckard.Api.Sessions;

public static partial class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var sessions = endpoints.MapGroup("/api/sessions").WithTags("Sessions").ProducesProblems(ProblemMetadata.Authenticated);
        sessions.MapPost("/", CreateAsync)
            .WithName("CreateSession")
            .WithSummary("Start a session from a voice prompt (multipart field 'audio') or a text prompt ('prompt'), with optional 'options' JSON " +
                         "(intent, style, voice, lipsync, avatarId); or a lip-sync session from a 'portrait' image and 'speech' audio.")
            .Accepts<CreateSessionForm>("multipart/form-data")
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimitingServiceExtensions.SessionCreationPolicy)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        sessions.MapGet("/{id:guid}", GetAsync).WithName("GetSession")
            .WithSummary("The session: status, transcript, intent, results (e.g. the answer), steps, artifacts, cost estimate, error.")
            .ProducesProblems(StatusCodes.Status404NotFound);
        sessions.MapGet("/", ListAsync).WithName("ListSessions").WithSummary("The caller's sessions, newest first, cursor-paged.")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        sessions.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelSession").WithSummary("Stop pending work; the session ends cancelled.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        sessions.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteSession")
            .WithSummary("Delete a finished session with its transcript, artifacts and media (cancel a running one first).")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        sessions.MapSessionEvents();
        sessions.MapSessionTickets();
        return endpoints;
    }

    private static async Task<Results<AcceptedAtRoute<SessionResponse>, ProblemHttpResult>> CreateAsync(
        HttpContext context, SessionUploadReader uploads, SessionStore sessions, AvatarStore avatars, MediaUrlSigner signer, TraceLinks traces,
        CostEstimator costs, QuotaGate quotas, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // Before the body is read: a principal over its limits costs one query, not an upload.
        if (await quotas.CheckNewSessionAsync(RequestOwner.Of(context), cancellationToken) is { } refusal)
        {
            LogRejected(loggers.CreateLogger("Deckard.Api.Sessions"), refusal.Code, context.Request.ContentLength);
            return refusal.ToResult(context);
        }

        // The reader counts bytes itself and answers 413 as problem+json; Kestrel's own limit would cut the connection instead.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        NewSession session;
        IReadOnlyList<string> spoolPaths;
        try
        {
            (session, spoolPaths) = await uploads.ReadAsync(context.Request, RequestOwner.Of(context), cancellationToken);
        }
        catch (UploadProblem problem)
        {
            LogRejected(loggers.CreateLogger("Deckard.Api.Sessions"), problem.Code, context.Request.ContentLength);
            return Problem(problem);
        }

        try
        {
            if (session.Options.AvatarId is { } avatarId && await avatars.FindAsync(session.Owner, avatarId, cancellationToken) is null)
            {
                return Problem(new UploadProblem(StatusCodes.Status400BadRequest, "unknown-avatar", "The avatar does not exist",
                    $"options.avatarId {avatarId} is not one of your avatars; GET /api/avatars lists them."));
            }

            var created = await sessions.CreateAsync(session, cancellationToken);
            LogCreated(loggers.CreateLogger("Deckard.Api.Sessions"), created.Id, session.InputKind);
            return TypedResults.AcceptedAtRoute(SessionResponse.From(created, signer, traces, costs), "GetSession", new { id = created.Id });
        }
        finally
        {
            foreach (var path in spoolPaths)
            {
                SessionUploadReader.Delete(path);
            }
        }
    }

    private static ProblemHttpResult Problem(UploadProblem problem) => ApiProblems.Create(problem.Status, problem.Code, problem.Title, problem.Message);

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> GetAsync(
        Guid id, HttpContext context, SessionStore sessions, MediaUrlSigner signer, TraceLinks traces, CostEstimator costs, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, RequestOwner.Of(context), cancellationToken);
        return session is null ? NotFound(id) : TypedResults.Ok(SessionResponse.From(session, signer, traces, costs));
    }

    private static async Task<Results<Ok<SessionPage>, ProblemHttpResult>> ListAsync(
        HttpContext context, SessionStore sessions, CancellationToken cancellationToken, string? cursor = null, int limit = 20)
    {
        if (limit is < 1 or > 100)
        {
            return ApiProblems.Create(StatusCodes.Status400BadRequest, "invalid-limit", "The page size is not valid", "limit must be between 1 and 100.");
        }

        (DateTimeOffset, Guid)? position = null;
        if (cursor is not null)
        {
            if (!SessionCursor.TryDecode(cursor, out var decoded))
            {
                return ApiProblems.Create(StatusCodes.Status400BadRequest, "invalid-cursor", "The cursor is not valid", "Pass the nextCursor of the previous page as it was.");
            }

            position = decoded;
        }

        var page = await sessions.ListAsync(RequestOwner.Of(context), position, limit, cancellationToken);
        var next = page.Count == limit ? SessionCursor.Encode(page[^1].CreatedAt, page[^1].Id) : null;
        return TypedResults.Ok(new SessionPage(
            [.. page.Select(session => new SessionSummary(session.Id, session.Status, session.Intent, session.Error, session.CreatedAt, session.FinishedAt, SessionLinks.For(session.Id)))],
            next));
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> CancelAsync(
        Guid id, HttpContext context, SessionStore sessions, MediaUrlSigner signer, TraceLinks traces, CostEstimator costs, CancellationToken cancellationToken)
    {
        var owner = RequestOwner.Of(context);
        var outcome = await sessions.CancelAsync(id, owner, cancellationToken);
        return outcome switch
        {
            CancelOutcome.NotFound => NotFound(id),
            CancelOutcome.AlreadyFinished => ApiProblems.Create(StatusCodes.Status409Conflict, "session-finished", "The session has already finished",
                $"Session {id} has ended; there is nothing left to cancel."),
            _ => TypedResults.Ok(SessionResponse.From((await sessions.GetAsync(id, owner, cancellationToken))!, signer, traces, costs)),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext context, SessionDeletion deletion, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var outcome = await deletion.DeleteAsync(id, RequestOwner.Of(context), cancellationToken);
        switch (outcome)
        {
            case DeleteOutcome.NotFound:
                return NotFound(id);
            case DeleteOutcome.StillActive:
                return ApiProblems.Create(StatusCodes.Status409Conflict, "session-active", "The session is still running",
                    $"Session {id} has not finished; cancel it (POST /api/sessions/{id}/cancel), then delete it.");
            default:
                LogDeleted(loggers.CreateLogger("Deckard.Api.Sessions"), id);
                return TypedResults.NoContent();
        }
    }

    /// <summary>Also what another principal's session answers: ids cannot be probed.</summary>
    internal static ProblemHttpResult NotFound(Guid id) =>
        ApiProblems.Create(StatusCodes.Status404NotFound, "session-not-found", "No such session", $"There is no session {id}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted session {SessionId} and its media at its owner's request")]
    private static partial void LogDeleted(ILogger logger, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a new session: {Code} ({ContentLength} bytes declared)")]
    private static partial void LogRejected(ILogger logger, string code, long? contentLength);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created session {SessionId} from {Input}")]
    private static partial void LogCreated(ILogger logger, Guid sessionId, string input);
}
