using Deckard.Api.Sessions;

namespace Deckard.UnitTests.Pipeline;

public sealed class SessionCursorTests
{
    [Fact]
    public void A_cursor_decodes_to_the_position_it_encodes()
    {
        var createdAt = new DateTimeOffset(2026, 11, 24, 2, 30, 0, 123, TimeSpan.Zero).AddTicks(4567);
        var id = Guid.NewGuid();

        Assert.True(SessionCursor.TryDecode(SessionCursor.Encode(createdAt, id), out var position));
        Assert.Equal((createdAt, id), position);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("")]
    [InlineData("MTIzOmFiYw")]
    public void A_cursor_that_was_not_made_here_is_refused(string cursor) =>
        Assert.False(SessionCursor.TryDecode(cursor, out _));
}
