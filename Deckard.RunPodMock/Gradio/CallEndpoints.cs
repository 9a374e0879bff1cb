using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Queue;
using Deckard.RunPodMock.StableAvatar;

namespace Deckard.RunPodMock.Gradio;

/// <summary>
/// The simple call: <c>POST {prefix}/call/{api}</c> queues the event and answers <c>{"event_id": ...}</c>;
/// <c>GET {prefix}/call/{api}/{event_id}</c> streams its result. The event id is also the session, unless the client
/// sent a <c>session_hash</c> (then the GET finds no session, as in Gradio 4 and 5).
/// </summary>
public static class CallEndpoints
{
    public static async Task<IResult> SubmitAsync(string apiName, HttpRequest request, GradioQueue queue, TimeProvider clock)
    {
        if (apiName != StableAvatarApp.ApiName)
        {
            return GradioErrors.UnknownApi(apiName);
        }

        var (body, error) = await PredictBody.ReadAsync(request);
        if (body is null)
        {
            return error!;
        }

        var eventId = GradioQueue.NewEventId();
        var evt = new GenerationEvent(eventId, body.SessionHash ?? eventId, JobRoute.Call, body.Data, RootUrl.Of(request),
            body.SessionHash is not null, clock.GetUtcNow());
        return Joined(queue.Push(evt), eventId);
    }

    public static Task StreamAsync(HttpContext context, string eventId, SessionStreamWriter writer, LiveSettings settings) =>
        writer.StreamAsync(context, eventId, new CallStreamFormat(settings.Current.Flavor));

    /// <summary>Gradio's <c>queue_join_helper</c> answer: the event id, or 503 when the queue is full.</summary>
    public static IResult Joined(string? refusal, string eventId) => refusal is null
        ? WireJson.Result(new JsonObject { ["event_id"] = eventId })
        : WireJson.Detail(refusal, refusal.Contains("Queue is full.", StringComparison.Ordinal)
            ? StatusCodes.Status503ServiceUnavailable
            : StatusCodes.Status400BadRequest);
}
