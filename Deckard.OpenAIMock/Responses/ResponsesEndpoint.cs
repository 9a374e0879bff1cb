using Deckard.OpenAIMock.Scripting;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Responses;

/// <summary><c>POST /v1/responses</c>, non-streaming and streaming, answered by <see cref="ResponsePlanner"/>.</summary>
public static class ResponsesEndpoint
{
    public static async Task HandleAsync(
        HttpContext context, ScriptedCalls calls, ResponseStore store, TimeProvider clock, ILogger<ResponseRequest> logger)
    {
        var request = await ResponseRequest.ReadAsync(context.Request);
        context.ReceivedRequest()?.Describe(MockEndpoint.Responses, request.Model, request.Summary());

        var error = request.Error
            ?? (request.PreviousResponseId is { } previous && !store.Knows(previous)
                ? OpenAIError.BadRequest($"Previous response with id '{previous}' not found.", "previous_response_id", "previous_response_not_found")
                : null)
            ?? ToolOutputCheck.Check(request, store);
        var (answered, step) = await calls.BeginAsync(context, MockEndpoint.Responses, error);
        if (answered)
        {
            return;
        }

        var plan = ResponsePlanner.Plan(request, step);
        var id = WireIds.New("resp");
        var createdAt = UnixTime.Now(clock);
        var completed = ResponseDocument.Build(request, id, createdAt, UnixTime.Now(clock), "completed", plan.Items, plan.Usage);
        if (request.Store)
        {
            var outputCallIds = plan.Items.Where(item => (string?)item["type"] == "function_call").Select(item => (string)item["call_id"]!);
            store.Remember(id, request.PreviousResponseId, [.. request.InputFunctionCallIds, .. outputCallIds]);
        }

        context.ReceivedRequest()?.SetSummaryValue("web_search_calls", plan.Items.Count(item => (string?)item["type"] == "web_search_call"));

        logger.LogInformation(
            "Response {ResponseId} for {RequestId}: model {Model}, stream {Stream}, output {OutputTypes}, {TotalTokens} tokens",
            id, context.TraceIdentifier, request.Model, request.Stream,
            string.Join(",", plan.Items.Select(item => (string?)item["type"])), (int?)plan.Usage["total_tokens"]);

        if (!request.Stream)
        {
            await context.Response.WriteAsJsonAsync(completed, context.RequestAborted);
            return;
        }

        var events = new ResponseEventStream(context, step?.BreakAfterEvents, step?.BreaksWithErrorEvent ?? false);
        events.Start();
        try
        {
            var inProgress = ResponseDocument.Build(request, id, createdAt, null, "in_progress", [], null);
            await ResponseStreamer.StreamAsync(events, inProgress, completed);
        }
        catch (ScriptedStreamBreakException)
        {
            logger.LogInformation("Response {ResponseId}: stream broken by script after {Events} events", id, step?.BreakAfterEvents);
        }
    }
}
