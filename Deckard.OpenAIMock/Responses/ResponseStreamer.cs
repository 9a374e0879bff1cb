using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Responses;

/// <summary>Replays a finished response as the event sequence recorded from real sessions (wire reference, B2).</summary>
public static class ResponseStreamer
{
    private const int ArgumentChunkLength = 12;

    public static async Task StreamAsync(ResponseEventStream events, JsonObject inProgress, JsonObject completed)
    {
        await events.WriteAsync("response.created", new JsonObject { ["response"] = inProgress.DeepClone() });
        await events.WriteAsync("response.in_progress", new JsonObject { ["response"] = inProgress.DeepClone() });

        var output = (JsonArray)completed["output"]!;
        for (var index = 0; index < output.Count; index++)
        {
            var item = (JsonObject)output[index]!;
            switch ((string?)item["type"])
            {
                case "web_search_call":
                    await WebSearchCallAsync(events, index, item);
                    break;
                case "function_call":
                    await FunctionCallAsync(events, index, item);
                    break;
                case "message":
                    await MessageAsync(events, index, item);
                    break;
                default:
                    await events.WriteAsync("response.output_item.added", ItemEvent(index, item));
                    await events.WriteAsync("response.output_item.done", ItemEvent(index, item));
                    break;
            }
        }

        await events.WriteAsync("response.completed", new JsonObject { ["response"] = completed.DeepClone() });
    }

    private static async Task WebSearchCallAsync(ResponseEventStream events, int index, JsonObject item)
    {
        var id = (string)item["id"]!;
        var started = (JsonObject)item.DeepClone();
        started["status"] = "in_progress";
        started["action"] = ResponseItems.SearchAction(null, null);
        await events.WriteAsync("response.output_item.added", ItemEvent(index, started));
        foreach (var phase in new[] { "in_progress", "searching", "completed" })
        {
            await events.WriteAsync($"response.web_search_call.{phase}", new JsonObject { ["output_index"] = index, ["item_id"] = id });
        }

        await events.WriteAsync("response.output_item.done", ItemEvent(index, item));
    }

    private static async Task FunctionCallAsync(ResponseEventStream events, int index, JsonObject item)
    {
        var id = (string)item["id"]!;
        var arguments = (string)item["arguments"]!;
        var started = (JsonObject)item.DeepClone();
        started["status"] = "in_progress";
        started["arguments"] = "";
        await events.WriteAsync("response.output_item.added", ItemEvent(index, started));
        foreach (var chunk in TextChunks.Fixed(arguments, ArgumentChunkLength))
        {
            await events.WriteAsync("response.function_call_arguments.delta",
                new JsonObject { ["item_id"] = id, ["output_index"] = index, ["delta"] = chunk, ["obfuscation"] = StreamObfuscation.For(chunk) });
        }

        await events.WriteAsync("response.function_call_arguments.done",
            new JsonObject { ["item_id"] = id, ["output_index"] = index, ["name"] = item["name"]?.DeepClone(), ["arguments"] = arguments });
        await events.WriteAsync("response.output_item.done", ItemEvent(index, item));
    }

    private static async Task MessageAsync(ResponseEventStream events, int index, JsonObject item)
    {
        var id = (string)item["id"]!;
        var started = (JsonObject)item.DeepClone();
        started["status"] = "in_progress";
        started["content"] = new JsonArray();
        await events.WriteAsync("response.output_item.added", ItemEvent(index, started));

        var parts = (JsonArray)item["content"]!;
        for (var contentIndex = 0; contentIndex < parts.Count; contentIndex++)
        {
            var part = (JsonObject)parts[contentIndex]!;
            var text = (string?)part["text"] ?? "";
            var location = new JsonObject { ["item_id"] = id, ["output_index"] = index, ["content_index"] = contentIndex };

            await events.WriteAsync("response.content_part.added",
                With(location, "part", ResponseItems.OutputText("", [])));

            // Each citation is announced as soon as the text it spans has streamed, between deltas, as recorded.
            var annotations = part["annotations"] as JsonArray ?? [];
            var announced = 0;
            var streamed = 0;
            foreach (var delta in TextChunks.Words(text))
            {
                var deltaEvent = With(With(location, "delta", delta), "logprobs", new JsonArray());
                await events.WriteAsync("response.output_text.delta", With(deltaEvent, "obfuscation", StreamObfuscation.For(delta)));
                streamed += delta.Length;
                for (; announced < annotations.Count && EndOf(annotations[announced]) <= streamed; announced++)
                {
                    await AnnotationAsync(events, location, annotations, announced);
                }
            }

            for (; announced < annotations.Count; announced++)
            {
                await AnnotationAsync(events, location, annotations, announced);
            }

            await events.WriteAsync("response.output_text.done", With(With(location, "text", text), "logprobs", new JsonArray()));
            await events.WriteAsync("response.content_part.done", With(location, "part", part));
        }

        await events.WriteAsync("response.output_item.done", ItemEvent(index, item));
    }

    private static Task AnnotationAsync(ResponseEventStream events, JsonObject location, JsonArray annotations, int annotationIndex) =>
        events.WriteAsync("response.output_text.annotation.added",
            With(With(location, "annotation_index", annotationIndex), "annotation", annotations[annotationIndex]));

    private static int EndOf(JsonNode? annotation) => (int?)annotation?["end_index"] ?? 0;

    private static JsonObject ItemEvent(int index, JsonObject item) => new() { ["output_index"] = index, ["item"] = item.DeepClone() };

    private static JsonObject With(JsonObject payload, string name, JsonNode? value)
    {
        var copy = (JsonObject)payload.DeepClone();
        copy[name] = value?.DeepClone();
        return copy;
    }
}
