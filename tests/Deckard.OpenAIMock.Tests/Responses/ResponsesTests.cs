using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;
using OpenAI.Responses;

namespace Deckard.OpenAIMock.Tests.Responses;

public sealed class ResponsesTests(OpenAIMockServer server) : StandInTest(server)
{
    private ResponsesClient Responses => Server.Client().GetResponsesClient();

    public static CreateResponseOptions KnowledgeQuestion(string question)
    {
        var options = new CreateResponseOptions
        {
            Model = "gpt-5",
            ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Medium },
            Tools = { ResponseTool.CreateWebSearchTool() },
        };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem(question));
        return options;
    }

    [Fact]
    public async Task A_web_search_answer_carries_url_citations_the_SDK_reads()
    {
        var question = KnowledgeQuestion("Who wrote Don Quixote?");
        question.IncludedProperties.Add(IncludedResponseProperty.WebSearchCallActionSources);

        ResponseResult result = await Responses.CreateResponseAsync(question);

        var text = result.GetOutputText();
        Assert.NotNull(text);
        var search = Assert.Single(result.OutputItems.OfType<WebSearchCallResponseItem>());
        Assert.Equal(WebSearchCallStatus.Completed, search.Status);
        var action = Assert.IsType<WebSearchSearchAction>(search.Action);
        Assert.Contains("Who wrote Don Quixote?", action.Queries);
        Assert.Equal(2, action.Sources.Count);
        var message = Assert.Single(result.OutputItems.OfType<MessageResponseItem>());
        var citations = message.Content.SelectMany(part => part.OutputTextAnnotations).OfType<UriCitationMessageAnnotation>().ToList();
        Assert.Equal(2, citations.Count);
        foreach (var citation in citations)
        {
            Assert.Contains(citation.Uri.AbsoluteUri, text[citation.StartIndex..citation.EndIndex], StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(citation.Title));
        }

        Assert.Single(result.OutputItems.OfType<ReasoningResponseItem>());
        Assert.True(result.Usage.OutputTokenDetails.ReasoningTokenCount > 0);
        Assert.True(result.Usage.TotalTokenCount > result.Usage.InputTokenCount);
    }

    [Fact]
    public async Task Scripted_citations_are_the_sources_of_the_answer()
    {
        await Admin.QueueAsync("responses", new
        {
            text = "Cervantes wrote it.",
            citations = new[] { new { url = "https://example.org/cervantes", title = "Cervantes" } },
        });

        ResponseResult result = await Responses.CreateResponseAsync(KnowledgeQuestion("Who wrote Don Quixote?"));

        Assert.StartsWith("Cervantes wrote it.", result.GetOutputText(), StringComparison.Ordinal);
        var citation = Assert.Single(result.OutputItems.OfType<MessageResponseItem>()
            .SelectMany(message => message.Content).SelectMany(part => part.OutputTextAnnotations).OfType<UriCitationMessageAnnotation>());
        Assert.Equal(new Uri("https://example.org/cervantes"), citation.Uri);
        Assert.Equal("Cervantes", citation.Title);
    }

    [Fact]
    public async Task Scripted_text_is_what_GetOutputText_returns()
    {
        await Admin.QueueAsync("responses", new { text = "Exactly this answer." });

        ResponseResult result = await Responses.CreateResponseAsync(new CreateResponseOptions("gpt-4.1-mini", [ResponseItem.CreateUserMessageItem("Hi")]));

        Assert.Equal("Exactly this answer.", result.GetOutputText());
        Assert.Equal(ResponseStatus.Completed, result.Status);
        Assert.Equal("gpt-4.1-mini", result.Model);
    }

    [Fact]
    public async Task A_json_schema_text_format_is_answered_with_JSON_that_fills_the_schema()
    {
        var options = new CreateResponseOptions("gpt-5-mini", [ResponseItem.CreateUserMessageItem("Draw a fox in pixel art")])
        {
            TextOptions = new ResponseTextOptions
            {
                TextFormat = ResponseTextFormat.CreateJsonSchemaFormat("intent", BinaryData.FromString("""
                    {"type":"object","properties":{"intent":{"type":"string","enum":["search","avatar","conversation"]},
                     "style":{"type":"string"},"confidence":{"type":"number"}},
                     "required":["intent","style","confidence"],"additionalProperties":false}
                    """), jsonSchemaFormatDescription: null, jsonSchemaIsStrict: true),
            },
        };

        ResponseResult result = await Responses.CreateResponseAsync(options);

        using var answer = JsonDocument.Parse(result.GetOutputText()!);
        Assert.Equal("search", answer.RootElement.GetProperty("intent").GetString());
        Assert.Equal("pixel art", answer.RootElement.GetProperty("style").GetString());
        Assert.Equal(JsonValueKind.Number, answer.RootElement.GetProperty("confidence").ValueKind);
    }

    [Fact]
    public async Task An_unknown_previous_response_id_fails_in_the_SDK_with_400()
    {
        var options = new CreateResponseOptions("gpt-5-mini", [ResponseItem.CreateUserMessageItem("And then?")]) { PreviousResponseId = "resp_unknown" };

        var failure = await Assert.ThrowsAsync<ClientResultException>(() => Responses.CreateResponseAsync(options));

        Assert.Equal(400, failure.Status);
        Assert.Contains("previous_response_not_found", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_responses_call_without_a_model_is_refused_with_OpenAIs_400_body()
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/responses", new StringContent("""{"input":"hello"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("Missing required parameter: 'model'.", (string?)error["message"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal("model", (string?)error["param"]);
    }

    [Fact]
    public async Task Required_tool_choice_without_tools_fails_in_the_SDK_with_400()
    {
        var options = new CreateResponseOptions("gpt-5-mini", [ResponseItem.CreateUserMessageItem("Hi")])
        {
            ToolChoice = ResponseToolChoice.CreateRequiredChoice(),
        };

        var failure = await Assert.ThrowsAsync<ClientResultException>(() => Responses.CreateResponseAsync(options));

        Assert.Equal(400, failure.Status);
        Assert.Contains("tool_choice", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_journal_shows_the_router_call_with_its_tools_and_text()
    {
        await Responses.CreateResponseAsync(RouterTools.RouterRequest("How tall is Mount Everest?"));

        var entry = Assert.Single(await Admin.RequestsAsync("responses"));
        Assert.Equal("POST", (string?)entry["method"]);
        Assert.Equal("/v1/responses", (string?)entry["path"]);
        Assert.Equal("gpt-5-mini", (string?)entry["model"]);
        Assert.Equal(200, (int?)entry["status"]);
        var summary = entry["summary"]!;
        Assert.Equal("How tall is Mount Everest?", (string?)summary["input_text"]);
        Assert.Equal(["create_avatar", "start_conversation", "answer_with_web_search"],
            ((JsonArray)summary["tools"]!).Select(tool => (string?)tool));
        Assert.Equal("required", (string?)summary["tool_choice"]);
    }
}
