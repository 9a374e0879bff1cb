using System.Text.Json;
using Deckard.OpenAIMock.Tests.Infrastructure;
using OpenAI.Responses;

namespace Deckard.OpenAIMock.Tests.Responses;

public sealed class RoutingTests(OpenAIMockServer server) : StandInTest(server)
{
    private ResponsesClient Responses => Server.Client().GetResponsesClient();

    [Fact]
    public async Task A_question_is_routed_to_answer_with_web_search_with_the_question_as_query()
    {
        ResponseResult result = await Responses.CreateResponseAsync(RouterTools.RouterRequest("How tall is Mount Everest?"));

        var call = Assert.Single(result.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal("answer_with_web_search", call.FunctionName);
        Assert.StartsWith("call_", call.CallId, StringComparison.Ordinal);
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal("How tall is Mount Everest?", arguments.RootElement.GetProperty("query").GetString());
    }

    [Fact]
    public async Task A_request_for_a_portrait_is_routed_to_create_avatar_with_the_style_from_the_text()
    {
        ResponseResult result = await Responses.CreateResponseAsync(
            RouterTools.RouterRequest("Make me a portrait in watercolor with a red scarf"));

        var call = Assert.Single(result.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal("create_avatar", call.FunctionName);
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal("watercolor", arguments.RootElement.GetProperty("style").GetString());
        Assert.Equal("Make me a portrait in watercolor with a red scarf", arguments.RootElement.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Small_talk_is_routed_to_start_conversation()
    {
        ResponseResult result = await Responses.CreateResponseAsync(RouterTools.RouterRequest("I'd love to chat about my weekend."));

        var call = Assert.Single(result.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal("start_conversation", call.FunctionName);
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal("I'd love to chat about my weekend.", arguments.RootElement.GetProperty("topic").GetString());
    }

    [Fact]
    public async Task A_scripted_function_call_is_returned_with_its_arguments_as_a_JSON_string()
    {
        await Admin.QueueAsync("responses", new
        {
            function_call = new { name = "create_avatar", arguments = new { style = "pixel art", description = "a cat astronaut" } },
        });

        ResponseResult result = await Responses.CreateResponseAsync(RouterTools.RouterRequest("How tall is Mount Everest?"));

        var call = Assert.Single(result.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal("create_avatar", call.FunctionName);
        Assert.Equal("""{"style":"pixel art","description":"a cat astronaut"}""", call.FunctionArguments.ToString());
        Assert.True(result.Usage.InputTokenCount > 0);
        Assert.Equal(result.Usage.InputTokenCount + result.Usage.OutputTokenCount, result.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Forcing_one_function_by_tool_choice_calls_that_function()
    {
        var request = RouterTools.RouterRequest("How tall is Mount Everest?");
        request.ToolChoice = ResponseToolChoice.CreateFunctionChoice("start_conversation");

        ResponseResult result = await Responses.CreateResponseAsync(request);

        Assert.Equal("start_conversation", Assert.Single(result.OutputItems.OfType<FunctionCallResponseItem>()).FunctionName);
    }

    [Fact]
    public async Task Tool_choice_none_answers_in_text_even_with_tools()
    {
        var request = RouterTools.RouterRequest("How tall is Mount Everest?");
        request.ToolChoice = ResponseToolChoice.CreateNoneChoice();

        ResponseResult result = await Responses.CreateResponseAsync(request);

        Assert.Empty(result.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Contains("How tall is Mount Everest?", result.GetOutputText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_result_sent_back_with_previous_response_id_is_answered_in_text()
    {
        ResponseResult first = await Responses.CreateResponseAsync(RouterTools.RouterRequest("Who painted the Mona Lisa?"));
        var call = Assert.Single(first.OutputItems.OfType<FunctionCallResponseItem>());
        var followUp = new CreateResponseOptions("gpt-5-mini", [ResponseItem.CreateFunctionCallOutputItem(call.CallId, "Leonardo da Vinci")])
        {
            PreviousResponseId = first.Id,
            Tools = { RouterTools.CreateAvatar, RouterTools.StartConversation, RouterTools.AnswerWithWebSearch },
        };

        ResponseResult second = await Responses.CreateResponseAsync(followUp);

        Assert.Contains("Leonardo da Vinci", second.GetOutputText(), StringComparison.Ordinal);
        Assert.Equal(first.Id, second.PreviousResponseId);
    }
}
