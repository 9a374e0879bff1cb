using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Queue;

namespace Deckard.RunPodMock.Gradio;

/// <summary>What a client reads first: <c>/config</c> (always at the root), <c>{prefix}/info</c>, <c>{prefix}/app_id</c>.</summary>
public static class DiscoveryEndpoints
{
    public static IResult Config(HttpRequest request, LiveSettings settings, GradioQueue queue)
    {
        var current = settings.Current;
        return WireJson.Result(AppConfigDocument.Build(current.Flavor, queue.AppId, RootUrl.Of(request), current.ShowError, current.MaxFileSizeBytes));
    }

    public static IResult Info(LiveSettings settings) => WireJson.Result(ApiInfoDocument.Build(settings.Current.Flavor));

    public static IResult AppId(GradioQueue queue) => WireJson.Result(new JsonObject { ["app_id"] = JsonNode.Parse(queue.AppId) });

    /// <summary>The page a browser gets at the root; the real one is the Svelte UI.</summary>
    public static IResult Page(LiveSettings settings) => Results.Content(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gradio</title></head><body>" +
        $"<h1>StableAvatar</h1><p>Gradio {settings.Current.Flavor.Version} stand-in (Deckard.RunPodMock): " +
        "this pod serves the API only; see <code>/config</code> and " +
        $"<code>{settings.Current.Flavor.ApiPrefix}/info</code>.</p></body></html>\n",
        "text/html; charset=utf-8");
}
