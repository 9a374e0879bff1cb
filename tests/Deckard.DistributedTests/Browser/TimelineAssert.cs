namespace Deckard.DistributedTests.Browser;

/// <summary>Checks of the event types a page's timeline shows.</summary>
public static class TimelineAssert
{
    /// <summary><paramref name="expected"/> appear in <paramref name="types"/> in this order (others may come between).</summary>
    public static void InOrder(IReadOnlyList<string> types, params string[] expected)
    {
        var position = -1;
        foreach (var type in expected)
        {
            var next = types.Skip(position + 1).ToList().IndexOf(type);
            Assert.True(next >= 0, $"'{type}' is not after position {position} in: {string.Join(", ", types)}");
            position += next + 1;
        }
    }
}
