using Deckard.Core.Artifacts;
using Deckard.Core.Sessions;

namespace Deckard.Core.Steps;

/// <summary>
/// Every flow in one table: for each kind of session its opening steps, and for each intent (known once
/// <c>classify</c> ran) the steps that follow, in order. Steps never name their successors; optional steps carry
/// the condition, decided here from the session's facts.
/// </summary>
public static class Flows
{
    private static readonly IReadOnlyDictionary<string, FlowStep[]> Openings = new Dictionary<string, FlowStep[]>
    {
        [SessionKinds.Voice] = [new(StepNames.Transcribe), new(StepNames.Classify)],
        [SessionKinds.Prompt] = [new(StepNames.Classify)],
        [SessionKinds.Lipsync] = [new(StepNames.Lipsync, new LipsyncInput(ArtifactRoles.InputSpeech, LipsyncInput.UploadedPortrait))],
    };

    private static readonly IReadOnlyDictionary<string, FlowStep[]> ByIntent = new Dictionary<string, FlowStep[]>
    {
        [Intent.Avatar] = [new(StepNames.Portrait)],
        [Intent.Search] =
        [
            new(StepNames.WebSearch),
            new(StepNames.Speech),
            new(StepNames.Lipsync, new LipsyncInput(ArtifactRoles.AnswerSpeech, LipsyncInput.AvatarPortrait), WantsLipsync),
        ],
        // Nothing to queue: the session goes live (see Live) and the realtime proxy adds a render per reply.
        [Intent.Conversation] = [],
    };

    /// <summary>Intents whose session, once its steps are done, stays live (conversing) until the conversation ends.</summary>
    private static readonly IReadOnlySet<string> Live = new HashSet<string> { Intent.Conversation };

    /// <summary>Lip-sync is on when asked for, and by default when the person has an avatar (or names one).</summary>
    public static bool WantsLipsync(FlowFacts facts) => facts.Options.Lipsync ?? (facts.HasAvatar || facts.Options.AvatarId is not null);

    /// <summary>The session's steps as far as its facts tell: the opening, then its intent's steps that apply.</summary>
    public static IReadOnlyList<FlowStep> StepsOf(FlowFacts facts)
    {
        var opening = Openings.TryGetValue(facts.Kind, out var steps)
            ? steps
            : throw new ArgumentException($"No flow starts a session of kind '{facts.Kind}'.", nameof(facts));
        // Only a session that is routed has an intent's steps: an upload to lip-sync is done when it is rendered.
        var routed = opening[^1].Name == StepNames.Classify;
        var rest = routed && facts.Intent is { } intent && ByIntent.TryGetValue(intent, out var intentSteps) ? intentSteps : [];
        return [.. opening, .. rest.Where(step => step.When?.Invoke(facts) ?? true)];
    }

    /// <summary>True when <paramref name="step"/> is the last of a routed flow whose intent is live: the session goes live after it.</summary>
    public static bool GoesLive(string step, FlowFacts facts) =>
        facts.Intent is { } intent && Live.Contains(intent) && StepsOf(facts) is { Count: > 0 } steps && steps[^1].Name == step
        && steps.Any(candidate => candidate.Name == StepNames.Classify);

    public static FlowStep First(string kind) => StepsOf(new FlowFacts(kind, null, new SessionOptions(), HasAvatar: false))[0];

    /// <summary>The step that follows <paramref name="step"/>, or null when the flow is done.</summary>
    public static FlowStep? After(string step, FlowFacts facts)
    {
        var steps = StepsOf(facts);
        var index = steps.ToList().FindIndex(candidate => candidate.Name == step);
        return index >= 0 && index + 1 < steps.Count ? steps[index + 1] : null;
    }

    /// <summary>Every kind and intent the table knows (for its tests and the README).</summary>
    public static IEnumerable<string> Kinds => Openings.Keys;

    public static IEnumerable<string> Intents => ByIntent.Keys;
}

/// <summary>What the flow table decides on.</summary>
public sealed record FlowFacts(string Kind, string? Intent, SessionOptions Options, bool HasAvatar);

/// <summary>A step of a flow: its name, the input it is given, and when it applies (always, when null).</summary>
public sealed record FlowStep(string Name, object? Input = null, Func<FlowFacts, bool>? When = null);

/// <summary>
/// Which speech the lip-sync step animates, onto which portrait (the uploaded one or the person's avatar), under which
/// role it stores the video, and the conversation turn it renders (when it renders one).
/// </summary>
public sealed record LipsyncInput(string Speech, string Portrait, string Video = ArtifactRoles.LipsyncVideo, int? Turn = null)
{
    public const string UploadedPortrait = ArtifactRoles.InputPortrait;
    public const string AvatarPortrait = "avatar";
}
