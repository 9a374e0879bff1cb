namespace Deckard.RunPodMock.Gradio;

/// <summary>Gradio's <c>get_root_url</c>: the app's root as the client reached it, from proxy headers when a proxy set them.</summary>
public static class RootUrl
{
    public static string Of(HttpRequest request)
    {
        var proto = First(request.Headers["X-Forwarded-Proto"]) ?? request.Scheme;
        var host = First(request.Headers["X-Forwarded-Host"]) ?? request.Host.Value;
        return $"{proto}://{host}{request.PathBase}";
    }

    private static string? First(Microsoft.Extensions.Primitives.StringValues values)
    {
        var value = values.ToString();
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var comma = value.IndexOf(',', StringComparison.Ordinal);
        return (comma < 0 ? value : value[..comma]).Trim();
    }
}
