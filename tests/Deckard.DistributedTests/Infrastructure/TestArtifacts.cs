namespace Deckard.DistributedTests.Infrastructure;

/// <summary>Where tests keep what a person would look at (screenshots): <c>DECKARD_TEST_ARTIFACTS</c>, else beside the tests.</summary>
public static class TestArtifacts
{
    public static string Folder(string name)
    {
        var folder = Environment.GetEnvironmentVariable("DECKARD_TEST_ARTIFACTS") is { Length: > 0 } configured
            ? Path.Combine(configured, name)
            : Path.Combine(AppContext.BaseDirectory, "artifacts", name);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
