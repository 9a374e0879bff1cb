using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Deckard.OpenAIMock.Configuration;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Scripting;

/// <summary>
/// The test-facing admin API under <c>/admin</c>: queue scripted steps, set latency, read the journal, reset.
/// Separate from <c>/v1</c>: it never takes the OpenAI key, only the optional admin key.
/// </summary>
public static class AdminEndpoints
{
    public const string AdminKeyHeader = "X-Admin-Key";

    public static readonly JsonSerializerOptions AdminJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").AddEndpointFilter(RequireAdminKey);

        admin.MapPost("/scripts/{endpoint}", QueueStepsAsync);
        admin.MapGet("/scripts", (ScriptBook book) => Results.Json(book.Pending(), AdminJson));
        admin.MapPut("/latency", SetLatencyAsync);
        admin.MapGet("/latency", (ScriptBook book) => Results.Json(new LatencySetting(book.StandingLatencyMs), AdminJson));
        admin.MapGet("/requests", ListRequests);
        admin.MapPost("/reset", (ScriptBook book, RequestJournal journal) =>
        {
            book.Reset();
            journal.Reset();
            return Results.NoContent();
        });

        return routes;
    }

    private static async Task<IResult> QueueStepsAsync(string endpoint, HttpRequest request, ScriptBook book)
    {
        if (!MockEndpointNames.TryParse(endpoint, out var target))
        {
            return Results.Problem(
                $"Unknown endpoint '{endpoint}'. Known: {string.Join(", ", MockEndpointNames.All)}.",
                statusCode: StatusCodes.Status404NotFound);
        }

        List<ScriptStep> steps;
        try
        {
            var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            steps = body switch
            {
                JsonArray array => array.Select(node => node.Deserialize<ScriptStep>(AdminJson)!).ToList(),
                JsonObject single => [single.Deserialize<ScriptStep>(AdminJson)!],
                _ => throw new JsonException("Expected a step object or an array of steps."),
            };
        }
        catch (JsonException exception)
        {
            return Results.Problem(exception.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid script");
        }

        var problems = steps.SelectMany(step => ScriptStepRules.Problems(target, step)).ToList();
        if (problems.Count > 0)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["step"] = [.. problems] });
        }

        foreach (var step in steps)
        {
            book.Enqueue(target, step);
        }

        return Results.Json(new QueuedReply(target.ToName(), book.Pending()[target.ToName()].Count), AdminJson);
    }

    private static async Task<IResult> SetLatencyAsync(HttpRequest request, ScriptBook book)
    {
        LatencySetting? setting;
        try
        {
            setting = await JsonSerializer.DeserializeAsync<LatencySetting>(request.Body, AdminJson, request.HttpContext.RequestAborted);
        }
        catch (JsonException exception)
        {
            return Results.Problem(exception.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid latency");
        }

        if (setting is null || setting.Milliseconds is < 0 or > 600_000)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["milliseconds"] = ["Must be between 0 and 600000."] });
        }

        book.SetStandingLatency(setting.Milliseconds);
        return Results.Json(setting, AdminJson);
    }

    /// <summary>The journal, optionally only one endpoint's calls and only the calls that offered one tool (e.g. web_search).</summary>
    private static IResult ListRequests(RequestJournal journal, string? endpoint, string? tool)
    {
        var entries = journal.Entries()
            .Select(entry => entry.Snapshot())
            .Where(snapshot => endpoint is null || string.Equals((string?)snapshot["endpoint"], endpoint, StringComparison.OrdinalIgnoreCase))
            .Where(snapshot => tool is null || OffersTool(snapshot, tool));
        return Results.Json(new JsonArray([.. entries]));
    }

    private static bool OffersTool(JsonObject snapshot, string tool) =>
        snapshot["summary"]?["tools"] is JsonArray tools
        && tools.Any(name => string.Equals((string?)name, tool, StringComparison.OrdinalIgnoreCase));

    private static async ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = context.HttpContext.RequestServices.GetRequiredService<IOptions<OpenAIMockOptions>>().Value.AdminKey;
        if (!string.IsNullOrEmpty(expected))
        {
            var presented = context.HttpContext.Request.Headers[AdminKeyHeader].ToString();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
            {
                return Results.Problem($"The admin API needs the {AdminKeyHeader} header.", statusCode: StatusCodes.Status401Unauthorized);
            }
        }

        return await next(context);
    }

    private sealed record LatencySetting(int Milliseconds);

    private sealed record QueuedReply(string Endpoint, int PendingSteps);
}
