using Deckard.Core.Artifacts;
using Deckard.Core.Sessions;
using Deckard.Core.Steps;
using Deckard.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Deckard.UnitTests.Flows;

/// <summary>One test per row of the flow table: the steps each kind of session and each intent runs, in order.</summary>
public sealed class FlowTableTests
{
    private static readonly SessionOptions NoOptions = new();

    [Fact]
    public void A_voice_session_is_transcribed_then_routed() =>
        Assert.Equal([StepNames.Transcribe, StepNames.Classify], Names(new FlowFacts(SessionKinds.Voice, null, NoOptions, false)));

    [Fact]
    public void A_typed_prompt_is_routed_at_once() =>
        Assert.Equal([StepNames.Classify], Names(new FlowFacts(SessionKinds.Prompt, null, NoOptions, false)));

    [Fact]
    public void An_uploaded_portrait_and_speech_are_lip_synced_as_they_are()
    {
        var steps = Core.Steps.Flows.StepsOf(new FlowFacts(SessionKinds.Lipsync, null, NoOptions, HasAvatar: true));

        var only = Assert.Single(steps);
        Assert.Equal(StepNames.Lipsync, only.Name);
        Assert.Equal(new LipsyncInput(ArtifactRoles.InputSpeech, LipsyncInput.UploadedPortrait), only.Input);
    }

    [Fact]
    public void The_avatar_intent_generates_a_portrait_and_ends() =>
        Assert.Equal([StepNames.Transcribe, StepNames.Classify, StepNames.Portrait], Names(new FlowFacts(SessionKinds.Voice, Intent.Avatar, NoOptions, false)));

    [Fact]
    public void The_search_intent_answers_speaks_and_lip_syncs_onto_the_avatar_when_the_person_has_one()
    {
        var steps = Core.Steps.Flows.StepsOf(new FlowFacts(SessionKinds.Voice, Intent.Search, NoOptions, HasAvatar: true));

        Assert.Equal([StepNames.Transcribe, StepNames.Classify, StepNames.WebSearch, StepNames.Speech, StepNames.Lipsync], steps.Select(step => step.Name));
        Assert.Equal(new LipsyncInput(ArtifactRoles.AnswerSpeech, LipsyncInput.AvatarPortrait), steps[^1].Input);
    }

    [Fact]
    public void The_search_intent_without_an_avatar_ends_with_the_spoken_answer() =>
        Assert.Equal([StepNames.Classify, StepNames.WebSearch, StepNames.Speech], Names(new FlowFacts(SessionKinds.Prompt, Intent.Search, NoOptions, false)));

    [Fact]
    public void Lip_sync_switched_off_is_skipped_even_with_an_avatar() =>
        Assert.DoesNotContain(StepNames.Lipsync, Names(new FlowFacts(SessionKinds.Prompt, Intent.Search, new SessionOptions { Lipsync = false }, true)));

    [Fact]
    public void Lip_sync_asked_for_runs_without_an_avatar_of_ones_own() =>
        Assert.Equal(StepNames.Lipsync, Names(new FlowFacts(SessionKinds.Prompt, Intent.Search, new SessionOptions { Lipsync = true }, false))[^1]);

    [Fact]
    public void Naming_an_avatar_turns_lip_sync_on() =>
        Assert.Equal(StepNames.Lipsync, Names(new FlowFacts(SessionKinds.Prompt, Intent.Search, new SessionOptions { AvatarId = Guid.NewGuid() }, false))[^1]);

    [Fact]
    public void The_conversation_intent_queues_nothing_after_routing_and_goes_live()
    {
        var typed = new FlowFacts(SessionKinds.Prompt, Intent.Conversation, NoOptions, true);
        var spoken = typed with { Kind = SessionKinds.Voice };

        Assert.Equal([StepNames.Classify], Names(typed));
        Assert.True(Core.Steps.Flows.GoesLive(StepNames.Classify, typed));
        Assert.True(Core.Steps.Flows.GoesLive(StepNames.Classify, spoken));
        Assert.False(Core.Steps.Flows.GoesLive(StepNames.Transcribe, spoken));
    }

    [Fact]
    public void No_other_intent_and_no_unrouted_session_goes_live()
    {
        Assert.False(Core.Steps.Flows.GoesLive(StepNames.Portrait, new FlowFacts(SessionKinds.Prompt, Intent.Avatar, NoOptions, false)));
        Assert.False(Core.Steps.Flows.GoesLive(StepNames.Speech, new FlowFacts(SessionKinds.Prompt, Intent.Search, NoOptions, false)));
        Assert.False(Core.Steps.Flows.GoesLive(StepNames.Lipsync, new FlowFacts(SessionKinds.Lipsync, null, NoOptions, false)));
    }

    [Fact]
    public void The_step_after_classify_comes_from_the_intent_and_the_last_step_has_none()
    {
        var facts = new FlowFacts(SessionKinds.Voice, Intent.Search, NoOptions, false);

        Assert.Equal(StepNames.Classify, Core.Steps.Flows.After(StepNames.Transcribe, facts)?.Name);
        Assert.Equal(StepNames.WebSearch, Core.Steps.Flows.After(StepNames.Classify, facts)?.Name);
        Assert.Null(Core.Steps.Flows.After(StepNames.Speech, facts));
        Assert.Equal(StepNames.Transcribe, Core.Steps.Flows.First(SessionKinds.Voice).Name);
    }

    [Fact]
    public void Every_flow_runs_each_step_once_and_every_step_has_a_worker()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:deckard"] = "Host=localhost", ["ConnectionStrings:redis"] = "localhost" });
        builder.AddDeckardWorkers();
        var registered = builder.Services.Where(service => service.ServiceType == typeof(IStep) && service.IsKeyedService)
            .Select(service => (string)service.ServiceKey!).ToHashSet();

        foreach (var kind in Core.Steps.Flows.Kinds)
        {
            foreach (var intent in Core.Steps.Flows.Intents.Append(null))
            {
                var names = Names(new FlowFacts(kind, intent, new SessionOptions { Lipsync = true }, true));
                Assert.Equal(names.Distinct().Count(), names.Count);
                Assert.All(names, name => Assert.Contains(name, registered));
            }
        }
    }

    private static List<string> Names(FlowFacts facts) => [.. Core.Steps.Flows.StepsOf(facts).Select(step => step.Name)];
}
