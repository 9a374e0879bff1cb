using Deckard.Hosting.Console;

namespace Deckard.UnitTests.Hosting;

public sealed class ResourceLogBufferTests
{
    [Fact]
    public void The_buffer_keeps_the_newest_lines_and_counts_what_it_dropped()
    {
        var buffer = new ResourceLogBuffer(capacity: 3);

        for (var index = 1; index <= 5; index++)
        {
            buffer.Add(new ResourceLogLine(DateTimeOffset.UnixEpoch, "api", "api", $"line {index}", IsError: false, IsSystem: false));
        }

        Assert.Equal(["line 3", "line 4", "line 5"], buffer.Snapshot().Select(line => line.Text));
        Assert.Equal(2, buffer.Dropped);
    }
}
