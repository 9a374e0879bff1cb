namespace Deckard.OpenAIMock.Wire;

public static class UnixTime
{
    public static long Now(TimeProvider clock) => clock.GetUtcNow().ToUnixTimeSeconds();
}
