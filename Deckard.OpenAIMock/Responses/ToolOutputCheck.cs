using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Responses;

/// <summary>
/// A <c>function_call_output</c> must answer a function call of its conversation: one in the same input, or one in a
/// stored response of the <c>previous_response_id</c> chain (its input or its output). Otherwise the real service
/// refuses the request with 400 "No tool call found for function call output with call_id ...".
/// </summary>
public static class ToolOutputCheck
{
    public static OpenAIError? Check(ResponseRequest request, ResponseStore store)
    {
        if (request.FunctionCallOutputIds.Count == 0)
        {
            return null;
        }

        var known = store.FunctionCallIdsUpTo(request.PreviousResponseId);
        var unanswerable = request.FunctionCallOutputIds
            .FirstOrDefault(id => !known.Contains(id) && !request.InputFunctionCallIds.Contains(id, StringComparer.Ordinal));
        return unanswerable is null ? null : OpenAIError.NoToolCallFound(unanswerable);
    }
}
