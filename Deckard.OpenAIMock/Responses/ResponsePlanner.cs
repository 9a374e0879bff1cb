using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Scripting;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Responses;

public sealed record ResponsePlan(IReadOnlyList<JsonObject> Items, JsonObject Usage);

/// <summary>
/// Decides what the model answers. A scripted step wins (its function call, or its text and citations). Otherwise:
/// <list type="number">
/// <item><c>tool_choice: none</c> → a text answer.</item>
/// <item>A function forced by <c>tool_choice</c> → that function.</item>
/// <item>The input ends with a function result and no call is required → a text answer using it.</item>
/// <item>Web search forced, or web_search available and no function fits → a <c>web_search_call</c> then a cited answer,
/// when the text is a question (or the search is forced).</item>
/// <item>Function tools → the function <see cref="FunctionToolRouter"/> picks for the <see cref="IntentRules"/> intent
/// (with <c>required</c> some function is always called).</item>
/// <item>Otherwise a text answer (JSON filling the schema when a json_schema format is asked).</item>
/// </list>
/// Reasoning models (gpt-5, o-series) put a <c>reasoning</c> item first and count reasoning tokens by effort.
/// </summary>
public static class ResponsePlanner
{
    private static readonly Dictionary<string, int> ReasoningTokensByEffort = new()
    {
        ["none"] = 0,
        ["minimal"] = 16,
        ["low"] = 64,
        ["medium"] = 192,
        ["high"] = 512,
        ["xhigh"] = 1024,
    };

    public static ResponsePlan Plan(ResponseRequest request, ScriptStep? step)
    {
        var items = new List<JsonObject>();
        var reasoningTokens = request.ReasoningEffort is { } effort ? ReasoningTokensByEffort[effort] : 0;
        if (reasoningTokens > 0)
        {
            items.Add(ResponseItems.Reasoning());
        }

        items.AddRange(step is not null && (step.FunctionCall ?? (object?)step.Text ?? step.Citations) is not null
            ? Scripted(request, step)
            : ByRules(request));

        return new ResponsePlan(items, Usage(request, items, reasoningTokens));
    }

    private static IEnumerable<JsonObject> Scripted(ResponseRequest request, ScriptStep step)
    {
        if (step.FunctionCall is { } call)
        {
            yield return ResponseItems.FunctionCall(call.Name, call.ArgumentsJson());
            yield break;
        }

        // Citations, even none, mean the model searched: a web_search_call, then the answer citing them.
        if (step.Citations is not null)
        {
            foreach (var item in WebSearch(request, step.Text, step.Citations))
            {
                yield return item;
            }

            yield break;
        }

        yield return ResponseItems.Message(step.Text ?? "");
    }

    private static IEnumerable<JsonObject> ByRules(ResponseRequest request)
    {
        var text = request.UserText;
        switch (request.ToolChoice)
        {
            case ToolChoiceMode.None:
                return [TextAnswer(request)];
            case ToolChoiceMode.Function:
                return [Call(request.FunctionTools.First(tool => tool.Name == request.ForcedFunctionName), text)];
            case ToolChoiceMode.WebSearch:
                return WebSearch(request, null, null);
        }

        var required = request.ToolChoice == ToolChoiceMode.Required;
        if (request.LastToolOutput is not null && !required)
        {
            return [TextAnswer(request)];
        }

        var intent = IntentRules.Classify(text);
        var tool = FunctionToolRouter.Pick(intent, request.FunctionTools, callRequired: required && !request.HasWebSearchTool);
        if (tool is not null)
        {
            return [Call(tool, text)];
        }

        if (request.HasWebSearchTool && (intent == UserIntent.Question || required))
        {
            return WebSearch(request, null, null);
        }

        return [TextAnswer(request)];
    }

    private static JsonObject Call(FunctionToolSpec tool, string text) =>
        ResponseItems.FunctionCall(tool.Name, SchemaArguments.Fill(tool.Parameters, text).ToJsonString());

    private static IEnumerable<JsonObject> WebSearch(ResponseRequest request, string? scriptedText, IReadOnlyList<ScriptedCitation>? citations)
    {
        var answer = WebSearchAnswer.For(request.UserText, scriptedText, citations);
        yield return ResponseItems.WebSearchCall(request.UserText, request.IncludeSearchSources ? answer.Sources.Select(source => source.Url) : null);
        yield return ResponseItems.Message(answer.Text, answer.Annotations);
    }

    private static JsonObject TextAnswer(ResponseRequest request)
    {
        if ((string?)request.TextFormat?["type"] == "json_schema")
        {
            return ResponseItems.Message(SchemaArguments.Fill(request.TextFormat!["schema"] as JsonObject, request.UserText).ToJsonString());
        }

        if ((string?)request.TextFormat?["type"] == "json_object")
        {
            return ResponseItems.Message(new JsonObject { ["answer"] = request.UserText }.ToJsonString());
        }

        if (request.LastToolOutput is { } toolOutput)
        {
            return ResponseItems.Message($"Thanks, the tool returned: {toolOutput}");
        }

        return ResponseItems.Message(request.UserText.Length == 0
            ? "Hello! How can I help you today?"
            : $"You said: \"{request.UserText.Trim()}\". This is the Deckard OpenAI stand-in answering.");
    }

    private static JsonObject Usage(ResponseRequest request, IEnumerable<JsonObject> items, int reasoningTokens)
    {
        var inputTokens = Math.Max(1, TokenEstimator.ForText(request.AllInputText));
        var outputTokens = items.Sum(item => TokenEstimator.ForText(ResponseItems.OutputOf(item))) + reasoningTokens;
        return new JsonObject
        {
            ["input_tokens"] = inputTokens,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
            ["output_tokens"] = outputTokens,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoningTokens },
            ["total_tokens"] = inputTokens + outputTokens,
        };
    }
}
