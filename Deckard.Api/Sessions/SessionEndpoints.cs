using Deckard.Api.Events;
using Deckard.Api.Media;
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
        var sessions = endpoints.MapGroup("/api/sessions").WithTags("Sessions");
        sessions.MapPost("/", CreateAsync)
            .WithName("CreateSession")
            .WithSummary("Start a session from a voice prompt (multipart field 'audio') or a text prompt ('prompt'), with optional 'options' JSON " +
                         "(intent, style, voice, lipsync, avatarId); or a lip-sync session from a 'portrait' image and 'speech' audio.")
            .Accepts<IFormFile>("multipart/form-data")
            .DisableAntiforgery();
        sessions.MapGet("/{id:guid}", GetAsync).WithName("GetSession")
            .WithSummary("The session: status, transcript, intent, results (e.g. the answer), steps, artifacts, cost estimate, error.");
        sessions.MapGet("/", ListAsync).WithName("ListSessions").WithSummary("The caller's sessions, newest first, cursor-paged.");
        sessions.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelSession").WithSummary("Stop pending work; the session ends cancelled.");
        sessions.MapSessionEvents();
        return endpoints;
    }

    private static async Task<Results<AcceptedAtRoute<SessionResponse>, ProblemHttpResult>> CreateAsync(
        HttpContext context, SessionUploadReader uploads, SessionStore sessions, AvatarStore avatars, MediaUrlSigner signer, TraceLinks traces,
        CostEstimator costs, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
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

    private static ProblemHttpResult Problem(UploadProblem problem) =>
        TypedResults.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Message,
            type: $"https://deckard.dev/problems/{problem.Code}", extensions: new Dictionary<string, object?> { ["code"] = problem.Code });

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
            return TypedResults.Problem(statusCode: 400, title: "The page size is not valid", detail: "limit must be between 1 and 100.");
        }

        (DateTimeOffset, Guid)? position = null;
        if (cursor is not null)
        {
            if (!SessionCursor.TryDecode(cursor, out var decoded))
            {
                return TypedResults.Problem(statusCode: 400, title: "The cursor is not valid", detail: "Pass the nextCursor of the previous page as it was.");
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
            CancelOutcome.AlreadyFinished => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The session has already finished",
                detail: $"Session {id} has ended; there is nothing left to cancel."),
            _ => TypedResults.Ok(SessionResponse.From((await sessions.GetAsync(id, owner, cancellationToken))!, signer, traces, costs)),
        };
    }

    internal static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such session", detail: $"There is no session {id}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a new session: {Code} ({ContentLength} bytes declared)")]
    private static partial void LogRejected(ILogger logger, string code, long? contentLength);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created session {SessionId} from {Input}")]
    private static partial void LogCreated(ILogger logger, Guid sessionId, string input);
}
