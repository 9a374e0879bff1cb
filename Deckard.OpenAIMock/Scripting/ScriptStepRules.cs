namespace Deckard.OpenAIMock.Scripting;

/// <summary>Which fields of a <see cref="ScriptStep"/> make sense for which endpoint, so a mistaken script fails loudly.</summary>
public static class ScriptStepRules
{
    public static IReadOnlyList<string> Problems(MockEndpoint endpoint, ScriptStep step)
    {
        var problems = new List<string>();

        if (step.Times is < 1 or > 1000)
        {
            problems.Add("times must be between 1 and 1000.");
        }

        if (step.LatencyMs is < 0 or > 600_000)
        {
            problems.Add("latency_ms must be between 0 and 600000.");
        }

        if (step.Fail is { } fail)
        {
            if (fail.Status is < 400 or > 599)
            {
                problems.Add("fail.status must be an HTTP error status (400-599).");
            }

            if (fail.RetryAfterSeconds is < 0 or > 3600)
            {
                problems.Add("fail.retry_after_seconds must be between 0 and 3600.");
            }
        }

        if (step.BreakAfterEvents is { } breakAfter && breakAfter < 0)
        {
            problems.Add("break_after_events must not be negative.");
        }

        if (step.BreakMode is { } mode && mode is not ("disconnect" or "error_event"))
        {
            problems.Add("break_mode must be 'disconnect' or 'error_event'.");
        }

        if (step.FunctionCall is { } call && string.IsNullOrWhiteSpace(call.Name))
        {
            problems.Add("function_call.name is required.");
        }

        if (step.Citations is { } citations && citations.Any(citation => !Uri.TryCreate(citation.Url, UriKind.Absolute, out _)))
        {
            problems.Add("every citation needs an absolute url.");
        }

        Reject(problems, endpoint, "transcript", step.Transcript is not null,
            MockEndpoint.Transcriptions, MockEndpoint.RealtimeTranscription);
        Reject(problems, endpoint, "text", step.Text is not null, MockEndpoint.Responses, MockEndpoint.RealtimeResponse);
        Reject(problems, endpoint, "function_call", step.FunctionCall is not null, MockEndpoint.Responses);
        Reject(problems, endpoint, "citations", step.Citations is not null, MockEndpoint.Responses);
        Reject(problems, endpoint, "break_after_events", step.BreakAfterEvents is not null, MockEndpoint.Responses, MockEndpoint.Realtime);
        Reject(problems, endpoint, "fail", step.Fail is not null,
            MockEndpoint.Transcriptions, MockEndpoint.Responses, MockEndpoint.Images, MockEndpoint.Speech,
            MockEndpoint.Realtime, MockEndpoint.RealtimeResponse);

        // A realtime turn's transcription happens inside the session loop: there is no call to delay.
        Reject(problems, endpoint, "latency_ms", step.LatencyMs is not null,
            MockEndpoint.Transcriptions, MockEndpoint.Responses, MockEndpoint.Images, MockEndpoint.Speech,
            MockEndpoint.Realtime, MockEndpoint.RealtimeResponse);

        if (step.FunctionCall is not null && step.Text is not null)
        {
            problems.Add("a responses step has either text or function_call, not both.");
        }

        return problems;
    }

    private static void Reject(List<string> problems, MockEndpoint endpoint, string field, bool present, params MockEndpoint[] allowed)
    {
        if (present && !allowed.Contains(endpoint))
        {
            problems.Add($"{field} does not apply to {endpoint.ToName()} (it applies to {string.Join(", ", allowed.Select(e => e.ToName()))}).");
        }
    }
}
