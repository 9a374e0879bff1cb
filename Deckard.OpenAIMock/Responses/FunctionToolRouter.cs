namespace Deckard.OpenAIMock.Responses;

/// <summary>
/// Picks the function the model "decides" to call for an intent: the tool Deckard names for it
/// (<c>create_avatar</c>, <c>answer_with_web_search</c>, <c>start_conversation</c>), else a tool whose name or
/// description mentions the intent's keywords, else (only when a call is required) the first tool.
/// </summary>
public static class FunctionToolRouter
{
    private static readonly Dictionary<UserIntent, (string Name, string[] Keywords)> Routes = new()
    {
        [UserIntent.Image] = ("create_avatar", ["avatar", "portrait", "image", "picture", "draw", "photo"]),
        [UserIntent.Question] = ("answer_with_web_search", ["search", "answer", "question", "lookup", "look_up", "knowledge"]),
        [UserIntent.Conversation] = ("start_conversation", ["conversation", "chat", "talk", "converse"]),
    };

    public static FunctionToolSpec? Pick(UserIntent intent, IReadOnlyList<FunctionToolSpec> tools, bool callRequired)
    {
        var (name, keywords) = Routes[intent];
        return tools.FirstOrDefault(tool => tool.Name == name)
            ?? tools.FirstOrDefault(tool => keywords.Any(keyword => Mentions(tool, keyword)))
            ?? (callRequired ? tools.FirstOrDefault() : null);
    }

    private static bool Mentions(FunctionToolSpec tool, string keyword) =>
        tool.Name.Contains(keyword, StringComparison.OrdinalIgnoreCase)
        || (tool.Description?.Contains(keyword, StringComparison.OrdinalIgnoreCase) ?? false);
}
