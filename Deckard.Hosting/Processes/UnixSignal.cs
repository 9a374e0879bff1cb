namespace Deckard.Hosting.Processes;

/// <summary>The signal a process is asked to stop with: most take SIGTERM; PostgreSQL's "fast shutdown" is SIGINT.</summary>
public enum UnixSignal
{
    Interrupt = NativeMethods.SigInt,
    Terminate = NativeMethods.SigTerm,
}
