using System.ClientModel;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;
using OpenAI.Responses;

namespace Deckard.OpenAIMock.Tests.Responses;

/// <summary>A function result must answer a call of its own conversation, or OpenAI refuses it with 400.</summary>
public sealed class FunctionCallOutputTests(OpenAIMockServer server) : StandInTest(server)
{
    private ResponsesClient Responses => Server.Client().GetResponsesClient();

    [Fact]
    public async Task A_function_result_for_a_call_id_the_previous_response_never_made_is_refused_with_OpenAIs_400()
    {
        ResponseResult first = await Responses.CreateResponseAsync(RouterTools.RouterRequest("Who painted the Mona Lisa?"));

        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => Responses.CreateResponseAsync(FollowUp(first.Id, "call_never_made")));

        Assert.Equal(400, failure.Status);
        var error = JsonNode.Parse(failure.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal("No tool call found for function call output with call_id call_never_made.", (string?)error["message"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal("input", (string?)error["param"]);
        Assert.Null(error["code"]);
    }

    [Fact]
    public async Task A_function_result_without_any_previous_response_is_refused_with_400()
    {
        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => Responses.CreateResponseAsync(FollowUp(previousResponseId: null, "call_from_nowhere")));

        Assert.Equal(400, failure.Status);
        Assert.Contains("No tool call found for function call output with call_id call_from_nowhere.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_result_for_a_call_of_another_conversation_is_refused_with_400()
    {
        ResponseResult other = await Responses.CreateResponseAsync(RouterTools.RouterRequest("Paint me as a knight"));
        var otherCall = Assert.Single(other.OutputItems.OfType<FunctionCallResponseItem>());
        ResponseResult mine = await Responses.CreateResponseAsync(RouterTools.RouterRequest("Who painted the Mona Lisa?"));

        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => Responses.CreateResponseAsync(FollowUp(mine.Id, otherCall.CallId)));

        Assert.Equal(400, failure.Status);
    }

    [Fact]
    public async Task A_function_result_answering_a_call_replayed_in_the_same_input_is_answered()
    {
        var options = new CreateResponseOptions("gpt-5-mini",
        [
            ResponseItem.CreateUserMessageItem("Who painted the Mona Lisa?"),
            ResponseItem.CreateFunctionCallItem("call_replayed", "answer_with_web_search", BinaryData.FromString("""{"query":"Who painted the Mona Lisa?"}""")),
            ResponseItem.CreateFunctionCallOutputItem("call_replayed", "Leonardo da Vinci"),
        ])
        {
            Tools = { RouterTools.CreateAvatar, RouterTools.StartConversation, RouterTools.AnswerWithWebSearch },
        };

        ResponseResult result = await Responses.CreateResponseAsync(options);

        Assert.Contains("Leonardo da Vinci", result.GetOutputText(), StringComparison.Ordinal);
    }

    private static CreateResponseOptions FollowUp(string? previousResponseId, string callId) =>
        new("gpt-5-mini", [ResponseItem.CreateFunctionCallOutputItem(callId, "Leonardo da Vinci")])
        {
            PreviousResponseId = previousResponseId,
            Tools = { RouterTools.CreateAvatar, RouterTools.StartConversation, RouterTools.AnswerWithWebSearch },
        };
}
