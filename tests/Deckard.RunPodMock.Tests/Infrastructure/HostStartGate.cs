namespace Deckard.RunPodMock.Tests.Infrastructure;

/// <summary>
/// WebApplicationFactory finds a minimal-hosting app's host through a process-wide listener, so two factories
/// starting the same Program at once can swap their settings. Every start in this assembly goes through this gate.
/// </summary>
public static class HostStartGate
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<T> RunAsync<T>(Func<T> start)
    {
        await Gate.WaitAsync();
        try
        {
            return start();
        }
        finally
        {
            Gate.Release();
        }
    }

    public static T Run<T>(Func<T> start)
    {
        Gate.Wait();
        try
        {
            return start();
        }
        finally
        {
            Gate.Release();
        }
    }
}
