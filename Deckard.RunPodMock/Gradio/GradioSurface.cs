using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Files;
using Deckard.RunPodMock.Queue;

namespace Deckard.RunPodMock.Gradio;

/// <summary>
/// Maps the Gradio app's HTTP surface. <c>/config</c> and <c>/</c> live at the root; the API lives under the flavor's
/// prefix (<c>/gradio_api</c> for 5.x and 6.x, none for 4.x). Both layouts are mapped and the one the current flavor
/// does not use answers FastAPI's 404, so the flavor can change at run time.
/// </summary>
public static class GradioSurface
{
    public static IEndpointRouteBuilder MapGradioSurface(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/config", DiscoveryEndpoints.Config);
        routes.MapGet("/", DiscoveryEndpoints.Page);

        foreach (var prefix in new[] { "", "/gradio_api" })
        {
            var api = routes.MapGroup(prefix).AddEndpointFilter(new ApiPrefixFilter(prefix));
            api.MapGet("/info", DiscoveryEndpoints.Info);
            api.MapGet("/app_id", DiscoveryEndpoints.AppId);
            api.MapPost("/upload", UploadEndpoint.HandleAsync);
            api.MapPost("/call/{apiName}", CallEndpoints.SubmitAsync);
            api.MapGet("/call/{apiName}/{eventId}", (HttpContext context, string eventId, SessionStreamWriter writer, LiveSettings settings) =>
                CallEndpoints.StreamAsync(context, eventId, writer, settings));
            api.MapPost("/queue/join", QueueEndpoints.JoinAsync);
            api.MapGet("/queue/data", (HttpContext context, SessionStreamWriter writer) => QueueEndpoints.DataAsync(context, writer));
            api.MapGet("/queue/status", QueueEndpoints.Status);
            api.MapPost("/cancel", QueueEndpoints.CancelAsync);
            api.MapPost("/reset", QueueEndpoints.ResetAsync);
            api.MapGet("/heartbeat/{sessionHash}", QueueEndpoints.HeartbeatAsync);
            api.MapPost("/run/{apiName}", (HttpContext context, string apiName) => SyncPredictEndpoint.HandleAsync(context, apiName));
            api.MapPost("/api/{apiName}", (HttpContext context, string apiName) => SyncPredictEndpoint.HandleAsync(context, apiName));

            // file=<path> is not a route segment of its own: the rest of the path after the prefix is checked here.
            routes.MapMethods(prefix + "/{**rest}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => ServeFileAsync(context, prefix));
        }

        routes.MapFallback("{**path}", () => GradioErrors.NotFound());
        return routes;
    }

    private static Task ServeFileAsync(HttpContext context, string prefix)
    {
        var settings = context.RequestServices.GetRequiredService<LiveSettings>();
        var path = context.Request.Path.Value ?? "";
        var marker = prefix + "/file=";
        if (settings.Current.Flavor.ApiPrefix != prefix || !path.StartsWith(marker, StringComparison.Ordinal))
        {
            return GradioErrors.NotFound().ExecuteAsync(context);
        }

        return FileEndpoint.HandleAsync(context, path[marker.Length..]);
    }

    /// <summary>Lets a route answer only while the current flavor uses its prefix.</summary>
    private sealed class ApiPrefixFilter(string prefix) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var settings = context.HttpContext.RequestServices.GetRequiredService<LiveSettings>();
            return settings.Current.Flavor.ApiPrefix == prefix ? await next(context) : GradioErrors.NotFound();
        }
    }
}
