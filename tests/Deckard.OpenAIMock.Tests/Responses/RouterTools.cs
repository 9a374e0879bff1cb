using OpenAI.Responses;

namespace Deckard.OpenAIMock.Tests.Responses;

/// <summary>The three function tools Deckard's router declares, with strict schemas as it sends them.</summary>
public static class RouterTools
{
    public static CreateResponseOptions RouterRequest(string userText) => new("gpt-5-mini", [ResponseItem.CreateUserMessageItem(userText)])
    {
        Instructions = "Decide what the person wants and call exactly one tool.",
        Tools = { CreateAvatar, StartConversation, AnswerWithWebSearch },
        ToolChoice = ResponseToolChoice.CreateRequiredChoice(),
    };

    public static ResponseTool CreateAvatar => ResponseTool.CreateFunctionTool(
        "create_avatar",
        BinaryData.FromString("""
            {"type":"object","properties":{"style":{"type":"string"},"description":{"type":"string"}},
             "required":["style","description"],"additionalProperties":false}
            """),
        strictModeEnabled: true,
        functionDescription: "Generate a portrait to be the person's avatar.");

    public static ResponseTool StartConversation => ResponseTool.CreateFunctionTool(
        "start_conversation",
        BinaryData.FromString("""
            {"type":"object","properties":{"topic":{"type":"string"}},"required":["topic"],"additionalProperties":false}
            """),
        strictModeEnabled: true,
        functionDescription: "Start a live voice conversation.");

    public static ResponseTool AnswerWithWebSearch => ResponseTool.CreateFunctionTool(
        "answer_with_web_search",
        BinaryData.FromString("""
            {"type":"object","properties":{"query":{"type":"string"}},"required":["query"],"additionalProperties":false}
            """),
        strictModeEnabled: true,
        functionDescription: "Answer a knowledge question using web search.");
}
