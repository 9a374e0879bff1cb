using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Faults;
using Deckard.RunPodMock.Files;
using Deckard.RunPodMock.Gradio;
using Deckard.RunPodMock.Queue;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.Admin;

/// <summary>
/// The test-facing admin API under <c>/admin</c>, beside the proxy (a booting pod does not block it): settings,
/// failure injection, what was received (requests and jobs), and a reset.
/// </summary>
public static class AdminEndpoints
{
    public const string AdminKeyHeader = "X-Admin-Key";

    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").AddEndpointFilter(RequireAdminKey);
        admin.MapGet("/state", State);
        admin.MapGet("/settings", (LiveSettings settings) => WireJson.Result(SettingsPatch.Describe(settings.Current)));
        admin.MapPut("/settings", PutSettingsAsync);
        admin.MapGet("/faults", (FaultBoard faults) => WireJson.Result(faults.Snapshot()));
        admin.MapPost("/faults", ArmAsync);
        admin.MapDelete("/faults", (FaultBoard faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });
        admin.MapGet("/requests", (RequestJournal journal, string? path) => WireJson.Result(new JsonArray([.. journal.Entries()
            .Where(entry => path is null || ((string?)entry.Snapshot()["path"])!.Contains(path, StringComparison.Ordinal))
            .Select(entry => (JsonNode)entry.Snapshot())])));
        admin.MapGet("/jobs", (GradioQueue queue) => WireJson.Result(new JsonArray([.. queue.History().Select(evt => (JsonNode)evt.Snapshot())])));
        admin.MapGet("/jobs/{eventId}", (string eventId, GradioQueue queue) => queue.Find(eventId) is { } evt
            ? WireJson.Result(evt.Snapshot())
            : Results.Problem($"No job {eventId}.", statusCode: StatusCodes.Status404NotFound));
        admin.MapPost("/reset", Reset);
        return routes;
    }

    private static IResult State(LiveSettings settings, FaultBoard faults, GradioQueue queue, GradioTempFolder folder)
    {
        var (running, waiting) = queue.Snapshot();
        return WireJson.Result(new JsonObject
        {
            ["settings"] = SettingsPatch.Describe(settings.Current),
            ["faults"] = faults.Snapshot(),
            ["running"] = running?.Id,
            ["waiting"] = new JsonArray([.. waiting.Select(evt => (JsonNode)evt.Id)]),
            ["app_id"] = JsonNode.Parse(queue.AppId),
            ["average_process_seconds"] = queue.AverageProcessSeconds,
            ["temp_directory"] = folder.Root,
        });
    }

    private static async Task<IResult> PutSettingsAsync(HttpRequest request, LiveSettings settings, ILoggerFactory loggers)
    {
        if (await ReadAsync(request) is not JsonObject patch)
        {
            return Results.Problem("Expected a JSON object of settings.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid settings");
        }

        var (updated, problems) = SettingsPatch.Apply(settings.Current, patch);
        if (updated is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["settings"] = [.. problems] });
        }

        settings.Replace(updated);
        loggers.CreateLogger(typeof(AdminEndpoints)).LogInformation("Settings changed: {Settings}", WireJson.Serialize(SettingsPatch.Describe(updated)));
        return WireJson.Result(SettingsPatch.Describe(updated));
    }

    private static async Task<IResult> ArmAsync(HttpRequest request, FaultBoard faults, GradioQueue queue)
    {
        var body = await ReadAsync(request);
        var items = body switch
        {
            JsonArray array => [.. array],
            JsonObject single => [single],
            _ => new List<JsonNode?>(),
        };
        if (items.Count == 0)
        {
            return Results.Problem("Expected a fault object or an array of them.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid fault");
        }

        var specs = new List<FaultSpec>();
        var problems = new List<string>();
        foreach (var item in items)
        {
            FaultOptions? options;
            try
            {
                options = item.Deserialize<FaultOptions>(FaultJson);
            }
            catch (JsonException exception)
            {
                problems.Add(exception.Message);
                continue;
            }

            if (options is null)
            {
                problems.Add("A fault must be an object.");
                continue;
            }

            problems.AddRange(FaultSpec.TryCreate(options, out var spec));
            if (spec is not null)
            {
                specs.Add(spec);
            }
        }

        if (problems.Count > 0)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["fault"] = [.. problems] });
        }

        var armed = new JsonArray();
        foreach (var spec in specs)
        {
            if (spec.Kind == FaultKind.ServerRestart)
            {
                // Not armed: the process restarts now, mid-stream for whatever is open.
                queue.Restart(TimeSpan.FromSeconds(spec.Seconds ?? 0));
                armed.Add(new JsonObject { ["kind"] = spec.Kind.ToName(), ["fired"] = 1, ["seconds"] = spec.Seconds });
            }
            else
            {
                armed.Add(faults.Arm(spec).Snapshot());
            }
        }

        return WireJson.Result(armed);
    }

    private static IResult Reset(LiveSettings settings, FaultBoard faults, GradioQueue queue, RequestJournal journal, GradioTempFolder folder)
    {
        faults.Clear();
        queue.Reset();
        journal.Reset();
        settings.Reset();
        folder.Clear();
        return Results.NoContent();
    }

    private static readonly JsonSerializerOptions FaultJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static async Task<JsonNode?> ReadAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = context.HttpContext.RequestServices.GetRequiredService<IOptions<RunPodMockOptions>>().Value.AdminKey;
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
}
