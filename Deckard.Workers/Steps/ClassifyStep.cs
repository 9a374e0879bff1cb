using System.Text.Json;
using Deckard.Core.Events;
using Deckard.Core.OpenAI;
using Deckard.Core.Sessions;
using Deckard.Core.Steps;
using Deckard.Core.Storage;
using Microsoft.Extensions.Options;
using OpenAI.Responses;

namespace Deckard.Workers.Steps;

/// <summary>
/// The coordinator: one Responses call with a function tool per flow and <c>tool_choice: required</c>; the tool the
/// model calls is the session's intent, its arguments what the intent's steps work from. An <c>options.intent</c>
/// skips the call.
/// </summary>
[Step(StepNames.Classify)]
public sealed class ClassifyStep(ResponsesClient responses, IOptions<OpenAIOptions> options) : IStep
{
    private const string Instructions =
        "You route a person's spoken request in a voice-to-avatar app. Call exactly one tool: " +
        "create_avatar when they ask for a portrait, picture, image or avatar of someone; " +
        "answer_with_web_search when they ask a question that needs facts or current information; " +
        "start_conversation when they want to talk, chat or practise conversation.";

    private static readonly IReadOnlyDictionary<string, string> IntentByTool = new Dictionary<string, string>
    {
        ["create_avatar"] = Intent.Avatar,
        ["start_conversation"] = Intent.Conversation,
        ["answer_with_web_search"] = Intent.Search,
    };

    public async Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var text = context.Request
            ?? throw new StepFailedException("The session has neither a transcript nor a prompt to classify.");

        if (context.Options.Intent is { } chosen)
        {
            return Classified(chosen, "options", new { }, usage: null);
        }

        var model = options.Value.RouterModel;
        var request = new CreateResponseOptions(model, [ResponseItem.CreateUserMessageItem(text)])
        {
            Instructions = Instructions,
            ToolChoice = ResponseToolChoice.CreateRequiredChoice(),
        };
        foreach (var tool in Tools)
        {
            request.Tools.Add(tool);
        }

        using var activity = GenAITelemetry.StartCall("chat", model);
        ResponseResult response = await responses.CreateResponseAsync(request, cancellationToken);
        var call = response.OutputItems.OfType<FunctionCallResponseItem>().FirstOrDefault()
            ?? throw new StepFailedException("The router model answered without choosing a flow.", isTransient: true);
        if (!IntentByTool.TryGetValue(call.FunctionName, out var intent))
        {
            throw new StepFailedException($"The router model chose '{call.FunctionName}', which is not one of Deckard's flows.", isTransient: true);
        }

        JsonElement arguments;
        try
        {
            using var document = JsonDocument.Parse(call.FunctionArguments);
            arguments = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new StepFailedException("The router model's arguments were not valid JSON.", isTransient: true);
        }

        var usage = new ModelUsage(model, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, response.Usage?.TotalTokenCount);
        GenAITelemetry.RecordUsage(activity, "chat", usage);
        return Classified(intent, call.FunctionName, arguments, usage);
    }

    private static StepResult Classified(string intent, string source, object arguments, ModelUsage? usage) => new()
    {
        Intent = (intent, arguments),
        Events = [(EventTypes.IntentClassified, new IntentClassifiedData(intent, source, JsonSerializer.SerializeToElement(arguments, DeckardJson.Options)))],
        Output = new { intent, source },
        Usage = usage,
    };

    private static readonly ResponseTool[] Tools =
    [
        ResponseTool.CreateFunctionTool(
            "create_avatar",
            BinaryData.FromString("""
                {"type":"object","properties":{
                  "description":{"type":"string","description":"Who or what the portrait shows"},
                  "style":{"type":"string","description":"Visual style, e.g. photorealistic, watercolor, anime"}},
                 "required":["description","style"],"additionalProperties":false}
                """),
            strictModeEnabled: true,
            functionDescription: "Generate a portrait to be the talking avatar's face."),
        ResponseTool.CreateFunctionTool(
            "start_conversation",
            BinaryData.FromString("""
                {"type":"object","properties":{
                  "topic":{"type":"string","description":"What the person wants to talk about"}},
                 "required":["topic"],"additionalProperties":false}
                """),
            strictModeEnabled: true,
            functionDescription: "Hold a live voice conversation with the avatar."),
        ResponseTool.CreateFunctionTool(
            "answer_with_web_search",
            BinaryData.FromString("""
                {"type":"object","properties":{
                  "query":{"type":"string","description":"The question to research on the web"}},
                 "required":["query"],"additionalProperties":false}
                """),
            strictModeEnabled: true,
            functionDescription: "Answer a knowledge question using web search, then speak the answer."),
    ];
}
