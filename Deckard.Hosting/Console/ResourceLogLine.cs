namespace Deckard.Hosting.Console;

/// <summary>One line a resource wrote (stdout or stderr), or a line the AppHost wrote about it (<see cref="IsSystem"/>).</summary>
public sealed record ResourceLogLine(
    DateTimeOffset Timestamp,
    string Resource,
    string Replica,
    string Text,
    bool IsError,
    bool IsSystem);
