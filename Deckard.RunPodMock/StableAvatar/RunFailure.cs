using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.StableAvatar;

/// <summary>
/// Why a run failed. A <c>gr.Error</c> (Gradio's own checks, or one the app raises) always reaches the client with its
/// message; any other exception reaches it as <c>{"error": null}</c> unless the app launched with <c>show_error=True</c>.
/// </summary>
public sealed record RunFailure(string Message, bool IsGradioError)
{
    public static RunFailure GradioError(string message) => new(message, IsGradioError: true);

    public static RunFailure Crash(string message) => new(message, IsGradioError: false);

    /// <summary>Gradio's <c>utils.error_payload</c>: the <c>output</c> of a failed <c>process_completed</c>.</summary>
    public JsonObject Payload(bool showError)
    {
        if (IsGradioError)
        {
            return new JsonObject { ["error"] = Message, ["duration"] = 10, ["visible"] = true, ["title"] = "Error" };
        }

        return new JsonObject { ["error"] = showError ? Message : null };
    }

    public bool VisibleWith(bool showError) => IsGradioError || showError;
}
