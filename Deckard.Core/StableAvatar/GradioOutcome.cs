using System.Text.Json;

namespace Deckard.Core.StableAvatar;

/// <summary>How a job's result stream ended.</summary>
public abstract record GradioOutcome
{
    /// <summary><c>event: complete</c> with the output list.</summary>
    public sealed record Completed(JsonElement Data) : GradioOutcome;

    /// <summary>
    /// <c>event: error</c>: <c>null</c> data (a crash hidden by show_error=False, 4.x/5.x), a string (the server stopped),
    /// or an object with the message (6.13+).
    /// </summary>
    public sealed record Failed(string? Message) : GradioOutcome;

    /// <summary>The stream dropped or went silent: Gradio throws a job away when its stream closes, so it is lost.</summary>
    public sealed record Lost(string Reason) : GradioOutcome;
}
