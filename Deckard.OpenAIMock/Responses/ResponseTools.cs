using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Responses;

/// <summary>
/// The request's tools as the response echoes them: with the defaults the service fills in. Recorded
/// (<c>ResponsesToolTests/WebSearchCall*.json</c>, <c>ResponsesTests/FunctionCall*.json</c>): a function tool always
/// carries <c>description</c> and <c>strict</c>; a web search tool carries <c>search_context_size</c> (default medium)
/// and a complete approximate <c>user_location</c> (country US when none was given, absent fields null).
/// </summary>
public static class ResponseTools
{
    private static readonly HashSet<string> WebSearchTypes = ["web_search", "web_search_preview", "web_search_2025_08_26", "web_search_preview_2025_03_11"];

    public static JsonArray Echo(JsonArray? tools)
    {
        var echoed = new JsonArray();
        foreach (var tool in (tools ?? []).OfType<JsonObject>())
        {
            var copy = (JsonObject)tool.DeepClone();
            var type = (string?)copy["type"];
            if (type == "function")
            {
                if (!copy.ContainsKey("description"))
                {
                    copy["description"] = null;
                }

                // Omitted strict means "try strict": the echo says true.
                copy["strict"] ??= true;
            }
            else if (type is not null && WebSearchTypes.Contains(type))
            {
                copy["search_context_size"] ??= "medium";
                copy["user_location"] = Location(copy["user_location"] as JsonObject);
            }

            echoed.Add(copy);
        }

        return echoed;
    }

    private static JsonObject Location(JsonObject? given) => given is null
        ? new JsonObject { ["type"] = "approximate", ["city"] = null, ["country"] = "US", ["region"] = null, ["timezone"] = null }
        : new JsonObject
        {
            ["type"] = given["type"]?.DeepClone() ?? "approximate",
            ["city"] = given["city"]?.DeepClone(),
            ["country"] = given["country"]?.DeepClone(),
            ["region"] = given["region"]?.DeepClone(),
            ["timezone"] = given["timezone"]?.DeepClone(),
        };
}
