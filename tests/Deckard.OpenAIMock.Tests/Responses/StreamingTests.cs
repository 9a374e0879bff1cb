using System.Text;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;
using OpenAI.Responses;

namespace Deckard.OpenAIMock.Tests.Responses;

public sealed class StreamingTests(OpenAIMockServer server) : StandInTest(server)
{
    private ResponsesClient Responses => Server.Client().GetResponsesClient();

    [Fact]
    public async Task A_streamed_web_search_answer_follows_the_recorded_event_order()
    {
        var options = ResponsesTests.KnowledgeQuestion("Who wrote Don Quixote?");
        options.StreamingEnabled = true;
        var updates = new List<StreamingResponseUpdate>();

        await foreach (var update in await Responses.CreateResponseStreamingAsync(options))
        {
            updates.Add(update);
        }

        var kinds = updates.Select(update => update.GetType().Name).Where(name => name != "StreamingResponseOutputTextDeltaUpdate").ToList();
        Assert.Equal(
        [
            nameof(StreamingResponseCreatedUpdate), nameof(StreamingResponseInProgressUpdate),
            nameof(StreamingResponseOutputItemAddedUpdate), nameof(StreamingResponseOutputItemDoneUpdate),
            nameof(StreamingResponseOutputItemAddedUpdate),
            nameof(StreamingResponseWebSearchCallInProgressUpdate), nameof(StreamingResponseWebSearchCallSearchingUpdate),
            nameof(StreamingResponseWebSearchCallCompletedUpdate), nameof(StreamingResponseOutputItemDoneUpdate),
            nameof(StreamingResponseOutputItemAddedUpdate), nameof(StreamingResponseContentPartAddedUpdate),
            nameof(StreamingResponseOutputTextAnnotationAddedUpdate), nameof(StreamingResponseOutputTextAnnotationAddedUpdate),
            nameof(StreamingResponseOutputTextDoneUpdate), nameof(StreamingResponseContentPartDoneUpdate),
            nameof(StreamingResponseOutputItemDoneUpdate), nameof(StreamingResponseCompletedUpdate),
        ], kinds);
        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(update => update.SequenceNumber));

        var deltas = string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(update => update.Delta));
        var completed = updates.OfType<StreamingResponseCompletedUpdate>().Single().Response;
        Assert.Equal(completed.GetOutputText(), deltas);
        Assert.Equal(deltas, updates.OfType<StreamingResponseOutputTextDoneUpdate>().Single().Text);
        Assert.All(updates.OfType<StreamingResponseOutputTextAnnotationAddedUpdate>(),
            update => Assert.IsType<UriCitationMessageAnnotation>(update.Annotation));
        Assert.True(completed.Usage.TotalTokenCount > 0);
    }

    [Fact]
    public async Task A_streamed_function_call_streams_its_arguments_as_deltas()
    {
        var options = RouterTools.RouterRequest("Paint my portrait as an oil painting");
        options.StreamingEnabled = true;
        var updates = new List<StreamingResponseUpdate>();

        await foreach (var update in await Responses.CreateResponseStreamingAsync(options))
        {
            updates.Add(update);
        }

        var arguments = string.Concat(updates.OfType<StreamingResponseFunctionCallArgumentsDeltaUpdate>().Select(update => update.Delta.ToString()));
        var done = updates.OfType<StreamingResponseFunctionCallArgumentsDoneUpdate>().Single();
        Assert.Equal(done.FunctionArguments.ToString(), arguments);
        var call = updates.OfType<StreamingResponseOutputItemDoneUpdate>().Select(update => update.Item).OfType<FunctionCallResponseItem>().Single();
        Assert.Equal("create_avatar", call.FunctionName);
        Assert.Contains("oil painting", call.FunctionArguments.ToString(), StringComparison.Ordinal);
        Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]);
    }

    [Fact]
    public async Task The_raw_stream_names_each_event_numbers_it_and_ends_without_DONE()
    {
        using var http = Server.Http();
        using var content = new StringContent("""{"model":"gpt-5-mini","input":"Hello there","stream":true}""", Encoding.UTF8, "application/json");

        using var response = await http.PostAsync("v1/responses", content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        for (var index = 0; index < events.Length; index++)
        {
            var lines = events[index].Split('\n');
            var data = JsonNode.Parse(lines[1]["data: ".Length..])!;
            Assert.Equal(lines[0]["event: ".Length..], (string?)data["type"]);
            Assert.Equal(index, (int?)data["sequence_number"]);
        }

        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        Assert.Equal("response.completed", (string?)JsonNode.Parse(events[^1].Split('\n')[1]["data: ".Length..])!["type"]);
    }

    [Fact]
    public async Task A_stream_scripted_to_break_after_three_events_fails_in_the_SDK_after_three_updates()
    {
        await Admin.QueueAsync("responses", new { break_after_events = 3 });
        var options = ResponsesTests.KnowledgeQuestion("Who wrote Don Quixote?");
        options.StreamingEnabled = true;
        var updates = new List<StreamingResponseUpdate>();

        var failure = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in await Responses.CreateResponseStreamingAsync(options))
            {
                updates.Add(update);
            }
        });

        Assert.IsAssignableFrom<IOException>(failure);
        Assert.Equal(3, updates.Count);
        Assert.DoesNotContain(updates, update => update is StreamingResponseCompletedUpdate);
    }

    [Fact]
    public async Task A_stream_scripted_to_break_with_an_error_event_ends_with_an_error_update()
    {
        await Admin.QueueAsync("responses", new { break_after_events = 2, break_mode = "error_event" });
        var options = ResponsesTests.KnowledgeQuestion("Who wrote Don Quixote?");
        options.StreamingEnabled = true;
        var updates = new List<StreamingResponseUpdate>();

        await foreach (var update in await Responses.CreateResponseStreamingAsync(options))
        {
            updates.Add(update);
        }

        Assert.Equal(3, updates.Count);
        var error = Assert.IsType<StreamingResponseErrorUpdate>(updates[^1]);
        Assert.Equal("server_error", error.Code);
    }
}
