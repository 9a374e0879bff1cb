using Deckard.Hosting;
using Deckard.Hosting.ApplicationModel;

namespace Deckard.UnitTests.Hosting;

/// <summary>A builder over a throw-away state folder, and project metadata that points nowhere (nothing is started).</summary>
internal sealed class TestModel : IDisposable
{
    public TestModel(bool randomizePorts = false, string? otlpEndpoint = null, IDictionary<string, string?>? configuration = null)
    {
        StateDirectory = Directory.CreateTempSubdirectory("deckard-unit-").FullName;
        Options = new AppHostOptions { StateDirectory = StateDirectory, RandomizePorts = randomizePorts, OtlpEndpointUrl = otlpEndpoint };
        Builder = DeckardAppBuilder.CreateForModel(Options, configuration);
    }

    public string StateDirectory { get; }

    public AppHostOptions Options { get; }

    public DeckardAppBuilder Builder { get; }

    public static IProjectMetadata Project(string name) => new Metadata($"/src/{name}/{name}.csproj", $"/src/{name}/bin/{name}.dll");

    public void Dispose() => Directory.Delete(StateDirectory, recursive: true);

    private sealed record Metadata(string ProjectPath, string AssemblyPath) : IProjectMetadata;
}
