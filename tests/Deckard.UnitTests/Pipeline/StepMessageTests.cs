using Deckard.Core.Queue;
using StackExchange.Redis;

namespace Deckard.UnitTests.Pipeline;

public sealed class StepMessageTests
{
    [Fact]
    public void A_message_survives_the_round_trip_through_stream_fields()
    {
        var message = new StepMessage(Guid.NewGuid(), "classify", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", 42);

        Assert.Equal(message, StepMessage.FromEntries(message.ToEntries()));
    }

    [Fact]
    public void A_message_without_trace_context_has_none_after_the_round_trip()
    {
        var message = new StepMessage(Guid.NewGuid(), "transcribe", null, 7);

        Assert.Null(StepMessage.FromEntries(message.ToEntries())!.TraceParent);
    }

    [Fact]
    public void An_entry_that_names_no_session_is_not_a_message() =>
        Assert.Null(StepMessage.FromEntries([new NameValueEntry("step", "classify")]));
}
