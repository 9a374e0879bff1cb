using Deckard.Core.Events;
using Deckard.Core.OpenAI;
using Deckard.Core.Search;
using Deckard.Core.Steps;
using Microsoft.Extensions.Options;
using OpenAI.Responses;

namespace Deckard.Workers.Steps;

/// <summary>
/// The search flow's answer: one Responses call with the <c>web_search</c> tool (gpt-5, reasoning effort medium by
/// default), keeping the answer's text, its <c>url_citation</c>s and a spoken version for TTS. The same question from
/// the same person within the reuse window is answered from the stored answer instead of paying again.
/// </summary>
[Step(StepNames.WebSearch)]
public sealed partial class WebSearchStep(ResponsesClient responses, AnswerCache answers, IOptions<OpenAIOptions> options, ILogger<WebSearchStep> logger)
    : IStep
{
    public const string ResultName = "answer";

    private const string Instructions =
        "Answer the person's question using web search. Be accurate and brief: a short paragraph, or a few bullet points " +
        "when listing. The answer will also be read aloud, so lead with the answer itself.";

    public async Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var question = context.IntentArgument("query") ?? context.Request
            ?? throw new StepFailedException("The session has no question to search for.");
        var settings = options.Value;
        var key = QuestionKey.Of(question);
        if (settings.AnswerReuseWindow > TimeSpan.Zero
            && await answers.FindAsync(context.Owner, key, settings.AnswerReuseWindow, cancellationToken) is { } cached)
        {
            LogReused(logger, context.SessionId, cached.SessionId);
            return Answered(cached.Answer, usage: null, reusedFrom: cached.SessionId);
        }

        var request = new CreateResponseOptions(settings.SearchModel, [ResponseItem.CreateUserMessageItem(question)])
        {
            Instructions = Instructions,
            ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = new ResponseReasoningEffortLevel(settings.SearchReasoningEffort) },
        };
        request.Tools.Add(ResponseTool.CreateWebSearchTool());

        using var activity = GenAITelemetry.StartCall("chat", settings.SearchModel);
        activity?.SetTag("gen_ai.tool.name", "web_search");
        ResponseResult response = await responses.CreateResponseAsync(request, cancellationToken);
        var (text, citations) = Read(response);
        if (text.Trim().Length == 0)
        {
            throw new StepFailedException("The search model answered without any text.", isTransient: true);
        }

        var answer = new Answer(text, SpokenText.From(text, settings.SpokenAnswerMaxCharacters), citations, settings.SearchModel);
        var usage = new ModelUsage(settings.SearchModel, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, response.Usage?.TotalTokenCount);
        GenAITelemetry.RecordUsage(activity, "chat", usage);
        await answers.StoreAsync(context.Owner, key, context.SessionId, answer, cancellationToken);
        LogAnswered(logger, context.SessionId, text.Length, citations.Count, answer.SpokenText.Length);
        return Answered(answer, usage, reusedFrom: null);
    }

    /// <summary>The answer's text (every output text part, in order) and its URL citations, with offsets into that text.</summary>
    internal static (string Text, IReadOnlyList<Citation> Citations) Read(ResponseResult response)
    {
        var text = new System.Text.StringBuilder();
        var citations = new List<Citation>();
        foreach (var message in response.OutputItems.OfType<MessageResponseItem>())
        {
            foreach (var part in message.Content.Where(part => part.Kind == ResponseContentPartKind.OutputText))
            {
                var offset = text.Length;
                text.Append(part.Text);
                foreach (var citation in part.OutputTextAnnotations.OfType<UriCitationMessageAnnotation>())
                {
                    citations.Add(new Citation(citation.Title ?? citation.Uri.Host, citation.Uri.AbsoluteUri,
                        offset + citation.StartIndex, offset + citation.EndIndex));
                }
            }
        }

        return (text.ToString(), citations);
    }

    private static StepResult Answered(Answer answer, ModelUsage? usage, Guid? reusedFrom)
    {
        var reused = reusedFrom is not null;
        var shown = new AnswerReadyData(answer.Text, answer.SpokenText, answer.Citations, answer.Model, reused, reusedFrom);
        return new StepResult
        {
            Events = [(EventTypes.AnswerReady, shown)],
            Results = new Dictionary<string, object> { [ResultName] = shown },
            Output = new { characters = answer.Text.Length, spokenCharacters = answer.SpokenText.Length, citations = answer.Citations.Count, reused, reusedFromSession = reusedFrom },
            Usage = usage,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: answered in {Characters} characters with {Citations} citation(s), {SpokenCharacters} to speak")]
    private static partial void LogAnswered(ILogger logger, Guid sessionId, int characters, int citations, int spokenCharacters);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: the same question was answered in session {AnsweredBy}; its answer is reused")]
    private static partial void LogReused(ILogger logger, Guid sessionId, Guid answeredBy);
}
