using System.Diagnostics;
using Deckard.Core.Steps;
using Deckard.Core.Telemetry;

namespace Deckard.Core.OpenAI;

/// <summary>Spans for model calls with the OpenTelemetry <c>gen_ai.*</c> attributes (never the prompt or the answer).</summary>
public static class GenAITelemetry
{
    public static Activity? StartCall(string operation, string model)
    {
        var activity = DeckardTelemetry.GenAI.StartActivity($"{operation} {model}", ActivityKind.Client);
        activity?.SetTag("gen_ai.system", "openai");
        activity?.SetTag("gen_ai.provider.name", "openai");
        activity?.SetTag("gen_ai.operation.name", operation);
        activity?.SetTag("gen_ai.request.model", model);
        return activity;
    }

    /// <summary>The usage on the call's span, and in the <c>gen_ai.client.token.usage</c> metric.</summary>
    public static void RecordUsage(Activity? activity, string operation, ModelUsage usage)
    {
        DeckardMetrics.RecordTokens(operation, usage);
        activity?.SetTag("gen_ai.response.model", usage.Model);
        activity?.SetTag("gen_ai.usage.input_tokens", usage.InputTokens);
        activity?.SetTag("gen_ai.usage.output_tokens", usage.OutputTokens);
    }
}
