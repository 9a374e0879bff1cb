namespace Deckard.Hosting.Processes;

/// <summary>What to run: the program, its arguments, folder and complete environment, as whom, and how to stop it.</summary>
public sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    UnixSignal StopSignal = UnixSignal.Terminate,
    OsUser? RunAs = null);
