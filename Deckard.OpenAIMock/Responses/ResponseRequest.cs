using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Responses;

public sealed record FunctionToolSpec(string Name, string? Description, JsonObject? Parameters);

public enum ToolChoiceMode
{
    Auto,
    None,
    Required,
    Function,
    WebSearch,
}

/// <summary>A <c>POST /v1/responses</c> body, parsed into what the planner needs, with the first validation error.</summary>
public sealed class ResponseRequest
{
    public static readonly IReadOnlyList<string> ReasoningEfforts = ["none", "minimal", "low", "medium", "high", "xhigh"];
    public static readonly IReadOnlyList<string> ToolChoiceValues = ["none", "auto", "required"];

    private static readonly HashSet<string> WebSearchToolTypes =
        ["web_search", "web_search_preview", "web_search_2025_08_26", "web_search_preview_2025_03_11"];

    /// <summary>Accepted and echoed, but never called by the stand-in.</summary>
    private static readonly HashSet<string> OtherToolTypes =
        ["image_generation", "file_search", "code_interpreter", "mcp", "custom", "computer_use_preview", "local_shell", "shell", "apply_patch"];

    public JsonObject Body { get; private init; } = [];
    public string? Model { get; private set; }
    public bool Stream { get; private set; }
    public bool Store { get; private set; } = true;
    public string? PreviousResponseId { get; private set; }
    public string UserText { get; private set; } = "";
    public string? LastToolOutput { get; private set; }
    public IReadOnlyList<FunctionToolSpec> FunctionTools { get; private set; } = [];
    public bool HasWebSearchTool { get; private set; }
    public ToolChoiceMode ToolChoice { get; private set; } = ToolChoiceMode.Auto;
    public string? ForcedFunctionName { get; private set; }
    public string? ReasoningEffort { get; private set; }
    public JsonObject? TextFormat { get; private set; }
    public bool IncludeSearchSources { get; private set; }
    public string AllInputText { get; private set; } = "";

    /// <summary>The <c>call_id</c>s of the function calls given in the input (a conversation replayed without storage).</summary>
    public IReadOnlyList<string> InputFunctionCallIds { get; private set; } = [];

    /// <summary>The <c>call_id</c>s the input's <c>function_call_output</c> items answer, in order.</summary>
    public IReadOnlyList<string> FunctionCallOutputIds { get; private set; } = [];
    public OpenAIError? Error { get; private set; }

    public bool IsReasoningModel => Model is { } model && IsReasoning(model);

    public static async Task<ResponseRequest> ReadAsync(HttpRequest request)
    {
        var body = await JsonBody.ReadObjectAsync(request);
        if (body is null)
        {
            return new ResponseRequest { Error = OpenAIError.InvalidJsonBody() };
        }

        var parsed = new ResponseRequest { Body = body };
        parsed.Error = parsed.Parse();
        return parsed;
    }

    public JsonObject Summary() => new()
    {
        ["stream"] = Stream,
        ["input_text"] = UserText,
        ["instructions"] = Body["instructions"] is JsonValue instructions ? instructions.ToString() : null,
        ["tools"] = new JsonArray([.. FunctionTools.Select(tool => (JsonNode)JsonValue.Create(tool.Name)!),
            .. HasWebSearchTool ? new[] { JsonValue.Create("web_search")! } : []]),
        ["tool_choice"] = Body["tool_choice"]?.DeepClone(),
        ["reasoning_effort"] = ReasoningEffort,
        ["text_format"] = (string?)TextFormat?["type"],
        ["previous_response_id"] = PreviousResponseId,
        ["has_tool_output"] = LastToolOutput is not null,
        // Lets a test count the paid web-search calls: GET /admin/requests?endpoint=responses&tool=web_search.
        ["has_web_search_tool"] = HasWebSearchTool,
    };

    private OpenAIError? Parse()
    {
        if (Body["model"] is not JsonValue modelValue || modelValue.GetValueKind() != JsonValueKind.String
            || string.IsNullOrWhiteSpace(modelValue.GetValue<string>()))
        {
            return OpenAIError.MissingParameter("model");
        }

        Model = modelValue.GetValue<string>();
        if (!IsResponsesModel(Model))
        {
            return OpenAIError.ModelNotFound(Model);
        }

        Stream = Body["stream"] is JsonValue stream && stream.GetValueKind() == JsonValueKind.True;
        Store = Body["store"] is not JsonValue store || store.GetValueKind() != JsonValueKind.False;
        PreviousResponseId = Body["previous_response_id"] is JsonValue previous ? previous.ToString() : null;

        return ParseInput() ?? ParseTools() ?? ParseToolChoice() ?? ParseReasoning() ?? ParseTextFormat() ?? ParseInclude();
    }

    private OpenAIError? ParseInput()
    {
        var allText = new StringBuilder();
        if (Body["instructions"] is JsonValue instructions)
        {
            allText.AppendLine(instructions.ToString());
        }

        switch (Body["input"])
        {
            case null:
                break;
            case JsonValue text when text.GetValueKind() == JsonValueKind.String:
                UserText = text.GetValue<string>();
                allText.AppendLine(UserText);
                break;
            case JsonArray items:
                var callIds = new List<string>();
                var outputIds = new List<string>();
                InputFunctionCallIds = callIds;
                FunctionCallOutputIds = outputIds;
                for (var index = 0; index < items.Count; index++)
                {
                    if (items[index] is not JsonObject item)
                    {
                        return OpenAIError.InvalidType($"input[{index}]", "an object");
                    }

                    var type = (string?)item["type"] ?? (item["role"] is not null ? "message" : null);
                    switch (type)
                    {
                        case "message":
                            var role = (string?)item["role"];
                            if (role is not ("user" or "assistant" or "system" or "developer"))
                            {
                                return OpenAIError.InvalidValue($"input[{index}].role", role ?? "", ["user", "assistant", "system", "developer"]);
                            }

                            var content = MessageText(item["content"]);
                            allText.AppendLine(content);
                            if (role == "user")
                            {
                                UserText = content;
                                LastToolOutput = null;
                            }

                            break;
                        case "function_call":
                            if (item["call_id"] is JsonValue callId)
                            {
                                callIds.Add(callId.ToString());
                            }

                            allText.AppendLine(item.ToJsonString());
                            break;
                        case "function_call_output":
                            if (item["call_id"] is not JsonValue outputId)
                            {
                                return OpenAIError.MissingParameter($"input[{index}].call_id");
                            }

                            outputIds.Add(outputId.ToString());
                            LastToolOutput = item["output"]?.ToString() ?? "";
                            allText.AppendLine(LastToolOutput);
                            break;
                        case null:
                            return OpenAIError.MissingParameter($"input[{index}].type");
                        default:
                            allText.AppendLine(item.ToJsonString());
                            break;
                    }
                }

                break;
            default:
                return OpenAIError.InvalidType("input", "a string or an array of input items");
        }

        AllInputText = allText.ToString();
        return null;
    }

    private OpenAIError? ParseTools()
    {
        if (Body["tools"] is null)
        {
            return null;
        }

        if (Body["tools"] is not JsonArray tools)
        {
            return OpenAIError.InvalidType("tools", "an array");
        }

        var functions = new List<FunctionToolSpec>();
        for (var index = 0; index < tools.Count; index++)
        {
            var tool = tools[index] as JsonObject;
            var type = (string?)tool?["type"];
            if (tool is null || type is null)
            {
                return OpenAIError.MissingParameter($"tools[{index}].type");
            }

            if (type == "function")
            {
                var name = (string?)tool["name"];
                if (string.IsNullOrWhiteSpace(name))
                {
                    return OpenAIError.MissingParameter($"tools[{index}].name");
                }

                if (tool["parameters"] is { } parameters && parameters is not JsonObject)
                {
                    return OpenAIError.BadRequest($"Invalid schema for function '{name}': schema must be a JSON Schema of 'type: \"object\"'.",
                        $"tools[{index}].parameters", "invalid_function_parameters");
                }

                functions.Add(new FunctionToolSpec(name, (string?)tool["description"], tool["parameters"] as JsonObject));
            }
            else if (WebSearchToolTypes.Contains(type))
            {
                HasWebSearchTool = true;
            }
            else if (!OtherToolTypes.Contains(type))
            {
                return OpenAIError.InvalidValue($"tools[{index}].type", type,
                    ["function", .. WebSearchToolTypes.Order(), .. OtherToolTypes.Order()]);
            }

            AllInputText += tool.ToJsonString();
        }

        FunctionTools = functions;
        return null;
    }

    private OpenAIError? ParseToolChoice()
    {
        var anyTool = FunctionTools.Count > 0 || HasWebSearchTool;
        switch (Body["tool_choice"])
        {
            case null:
                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var choice = value.GetValue<string>();
                ToolChoiceMode? mode = choice switch
                {
                    "auto" => ToolChoiceMode.Auto,
                    "none" => ToolChoiceMode.None,
                    "required" => ToolChoiceMode.Required,
                    _ => null,
                };
                if (mode is null)
                {
                    return OpenAIError.InvalidValue("tool_choice", choice, ToolChoiceValues);
                }

                ToolChoice = mode.Value;
                return ToolChoice == ToolChoiceMode.Required && !anyTool
                    ? OpenAIError.BadRequest("Tool choice 'required' must be specified with 'tools' parameter.", "tool_choice")
                    : null;
            case JsonObject choiceObject:
                var type = (string?)choiceObject["type"];
                if (type == "function")
                {
                    ForcedFunctionName = (string?)choiceObject["name"];
                    ToolChoice = ToolChoiceMode.Function;
                    return FunctionTools.Any(tool => tool.Name == ForcedFunctionName)
                        ? null
                        : OpenAIError.BadRequest($"Tool choice 'function' with name '{ForcedFunctionName}' not found in 'tools' parameter.", "tool_choice");
                }

                if (type is not null && WebSearchToolTypes.Contains(type))
                {
                    ToolChoice = ToolChoiceMode.WebSearch;
                    return HasWebSearchTool
                        ? null
                        : OpenAIError.BadRequest($"Tool choice '{type}' not found in 'tools' parameter.", "tool_choice");
                }

                if (type == "allowed_tools")
                {
                    ToolChoice = (string?)choiceObject["mode"] == "required" ? ToolChoiceMode.Required : ToolChoiceMode.Auto;
                    var allowed = (choiceObject["tools"] as JsonArray)?.Select(tool => (string?)tool?["name"]).ToHashSet() ?? [];
                    FunctionTools = [.. FunctionTools.Where(tool => allowed.Contains(tool.Name))];
                    return null;
                }

                return OpenAIError.InvalidValue("tool_choice.type", type ?? "", ["function", "web_search", "allowed_tools"]);
            default:
                return OpenAIError.InvalidType("tool_choice", "a string or an object");
        }
    }

    private OpenAIError? ParseReasoning()
    {
        if (Body["reasoning"] is not JsonObject reasoning)
        {
            ReasoningEffort = IsReasoningModel ? "medium" : null;
            return null;
        }

        var effort = (string?)reasoning["effort"];
        if (effort is not null && !IsReasoningModel)
        {
            return new OpenAIError(400, "Unsupported parameter: 'reasoning.effort' is not supported with this model.",
                OpenAIError.InvalidRequest, "reasoning.effort", "unsupported_parameter");
        }

        if (effort is not null && !ReasoningEfforts.Contains(effort))
        {
            return OpenAIError.InvalidValue("reasoning.effort", effort, ReasoningEfforts);
        }

        var summary = (string?)reasoning["summary"];
        if (summary is not null && summary is not ("auto" or "concise" or "detailed"))
        {
            return OpenAIError.InvalidValue("reasoning.summary", summary, ["auto", "concise", "detailed"]);
        }

        ReasoningEffort = IsReasoningModel ? effort ?? "medium" : null;
        return null;
    }

    private OpenAIError? ParseTextFormat()
    {
        if (Body["text"]?["format"] is not JsonObject format)
        {
            return null;
        }

        var type = (string?)format["type"];
        if (type is not ("text" or "json_object" or "json_schema"))
        {
            return OpenAIError.InvalidValue("text.format.type", type ?? "", ["text", "json_object", "json_schema"]);
        }

        if (type == "json_schema" && format["name"] is null)
        {
            return OpenAIError.MissingParameter("text.format.name");
        }

        if (type == "json_schema" && format["schema"] is not JsonObject)
        {
            return OpenAIError.MissingParameter("text.format.schema");
        }

        TextFormat = format;
        return null;
    }

    private OpenAIError? ParseInclude()
    {
        IncludeSearchSources = Body["include"] is JsonArray include
            && include.Any(entry => (string?)entry == "web_search_call.action.sources");
        return null;
    }

    private static string MessageText(JsonNode? content) => content switch
    {
        JsonValue text => text.ToString(),
        JsonArray parts => string.Join("\n", parts
            .OfType<JsonObject>()
            .Where(part => (string?)part["type"] is "input_text" or "output_text" or "text")
            .Select(part => (string?)part["text"] ?? "")),
        _ => "",
    };

    private static bool IsResponsesModel(string model) =>
        (model.StartsWith("gpt-", StringComparison.Ordinal) || IsOSeries(model) || model.StartsWith("codex", StringComparison.Ordinal))
        && !new[] { "transcribe", "tts", "image", "realtime", "embedding", "audio" }.Any(part => model.Contains(part, StringComparison.Ordinal));

    private static bool IsReasoning(string model) =>
        (model.StartsWith("gpt-5", StringComparison.Ordinal) && !model.Contains("-chat", StringComparison.Ordinal)) || IsOSeries(model);

    private static bool IsOSeries(string model) => model.Length > 1 && model[0] == 'o' && char.IsDigit(model[1]);
}
