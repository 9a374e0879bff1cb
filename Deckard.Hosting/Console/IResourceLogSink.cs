namespace Deckard.Hosting.Console;

/// <summary>Receives every resource log line as it is written: the console for a person, the test output in tests.</summary>
public interface IResourceLogSink
{
    void Write(ResourceLogLine line);
}
