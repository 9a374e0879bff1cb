using System.Globalization;
using Deckard.DistributedTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Browser;

/// <summary>
/// A live conversation in the web app: a spoken opener routed to a conversation, the page joining it through the
/// realtime helper (Chromium's microphone through the AudioWorklet to the proxy, the assistant's audio played back),
/// a hang-up, and the turns' lip-synced videos at the end.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppConversationTests(BrowserFixture fixture, ITestOutputHelper output) : WebAppTest(fixture, output)
{
    [Fact]
    public async Task A_spoken_opener_becomes_a_live_conversation_whose_replies_play_and_whose_turns_end_as_videos()
    {
        const string Said = "Let's have a chat about my day.";
        await Fixture.OpenAI.ScriptAsync("transcriptions", new { transcript = Said });
        // The microphone speaks, then is silent for three seconds, over and over: the upstream's voice detection hears
        // each sentence end, and the assistant answers it.
        await using var web = await WebAppPage.OpenAsync(Fixture, await TestAudio.LongWavAsync(Said, 5));

        await web.HoldToTalkAsync(TimeSpan.FromSeconds(3));

        var panel = web.Page.GetByTestId("conversation");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await Assertions.Expect(web.Page.GetByTestId("intent")).ToContainTextAsync("conversation");
        // The first reply was played: the page counts audio it actually scheduled and heard out.
        await Assertions.Expect(panel).Not.ToHaveAttributeAsync("data-replies", "0");
        await Assertions.Expect(web.Page.Locator("[data-testid=timeline-item][data-type='turn.completed']").First).ToBeAttachedAsync();
        var turn = web.Page.GetByTestId("conversation-turn").First;
        await Assertions.Expect(turn.GetByTestId("turn-assistant")).Not.ToBeEmptyAsync();
        var playedMs = int.Parse((await panel.GetAttributeAsync("data-played-ms"))!, CultureInfo.InvariantCulture);
        Output.WriteLine($"played {playedMs} ms of {await panel.GetAttributeAsync("data-replies")} replies, {await panel.GetAttributeAsync("data-barge-ins")} barge-ins");
        Assert.True(playedMs > 0);
        await web.ScreenshotAsync("conversation-live");

        await web.Page.GetByTestId("hangup").ClickAsync();

        await Assertions.Expect(web.Page.GetByTestId("conversation-status")).ToContainTextAsync("Ended: hangup");
        await web.WaitForStatusAsync("completed");
        TimelineAssert.InOrder(await web.TimelineTypesAsync(), "conversation.ready", "conversation.connected", "turn.completed", "conversation.ended", "session.completed");
        // Each captured reply became a lip-synced video, listed by its turn.
        var videos = web.Page.Locator("[data-testid=video][data-role^='turn-']");
        Assert.True(await videos.CountAsync() >= 1);
        await web.PlayAsync(videos.First);
        var session = await Fixture.Sessions.GetAsync(web.SessionId());
        Assert.Equal("hangup", session.GetProperty("results").GetProperty("conversation").GetProperty("endedReason").GetString());
        Assert.Equal(await videos.CountAsync(), session.GetProperty("turns").GetArrayLength());
        await web.ScreenshotAsync("conversation-ended");
        Assert.Empty(web.UnexpectedErrors());
    }
}
