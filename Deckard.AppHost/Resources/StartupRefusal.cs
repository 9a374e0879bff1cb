namespace Deckard.AppHost.Resources;

public static class StartupRefusal
{
    /// <summary>
    /// Runs the app. When it refuses to start for a reason it explains itself (a taken port, a server that is not
    /// installed), the explanation is printed alone and the exit code is 1: a person should read the fix, not a crash
    /// with a stack trace.
    /// </summary>
    public static void RunOrExplainRefusal(this DistributedApplication app)
    {
        try
        {
            app.Run();
        }
        catch (Exception exception) when (Refusal(exception) is { } refusal)
        {
            Console.Error.WriteLine(refusal.Message);
            Environment.ExitCode = 1;
        }
    }

    private static DistributedApplicationException? Refusal(Exception exception) => exception switch
    {
        DistributedApplicationException refusal => refusal,
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.Select(Refusal).FirstOrDefault(found => found is not null),
        { InnerException: { } inner } => Refusal(inner),
        _ => null,
    };
}
