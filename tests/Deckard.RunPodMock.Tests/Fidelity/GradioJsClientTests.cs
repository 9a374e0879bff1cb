using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Fidelity;

/// <summary>
/// Fidelity beyond hand-written requests: Gradio's official JS client (<c>@gradio/client</c> 1.19.1, pinned in
/// node/package-lock.json) connects, reads the API, uploads, runs <c>/generate</c> over the queue protocol, downloads
/// the video, sees a gr.Error and a full queue, then does it again against the 4.x layout.
/// </summary>
public sealed class GradioJsClientTests(RunPodMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task The_official_gradio_js_client_runs_generate_against_the_stand_in_unchanged()
    {
        var scriptDirectory = NodeScriptDirectory();
        if (!Directory.Exists(Path.Combine(scriptDirectory, "node_modules", "@gradio", "client")))
        {
            await TestMedia.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], scriptDirectory, timeout: TimeSpan.FromMinutes(5));
        }

        var inputs = Directory.CreateTempSubdirectory("runpod-mock-js-");
        try
        {
            var image = Path.Combine(inputs.FullName, "portrait.png");
            var audio = Path.Combine(inputs.FullName, "speech.wav");
            await File.WriteAllBytesAsync(image, Server.Media.Portrait);
            await File.WriteAllBytesAsync(audio, Server.Media.Speech);

            var output = await TestMedia.RunAsync("node", ["fidelity.mjs"], scriptDirectory, new Dictionary<string, string>
            {
                ["GRADIO_URL"] = Server.BaseUri.ToString(),
                ["IMAGE_PATH"] = image,
                ["AUDIO_PATH"] = audio,
            }, TimeSpan.FromSeconds(90));
            var results = JsonNode.Parse(output.Trim().Split('\n')[^1])!;

            Assert.Equal("/gradio_api", (string?)results["apiPrefix"]);
            Assert.Equal(["/generate"], ((JsonArray)results["endpoints"]!).Select(name => (string)name!));
            Assert.Equal(GradioApi.Parameters.Select(parameter => parameter.Name), ((JsonArray)results["parameters"]!).Select(name => (string)name!));

            var predict = results["predict"]!;
            Assert.Equal("7", (string?)predict["seed"]);
            Assert.StartsWith($"{Server.BaseUri}gradio_api/file=", (string?)predict["url"], StringComparison.Ordinal);
            Assert.Equal(200, (int)predict["downloadStatus"]!);
            Assert.Equal("video/mp4", (string?)predict["contentType"]);
            Assert.Equal("ftyp", (string?)predict["container"]);
            Assert.StartsWith("Generated outputs/", (string?)predict["status"], StringComparison.Ordinal);

            Assert.Equal(["pending", "pending", "pending:process_starts", "complete"], ((JsonArray)results["submit"]!["stages"]!).Select(stage => (string)stage!));
            Assert.Equal("7", (string?)results["submit"]!["seed"]);

            Assert.True((bool)results["error"]!["raised"]!);
            Assert.Equal("No face was found in the image.", (string?)results["error"]!["message"]);
            Assert.Equal("Error", (string?)results["error"]!["title"]);

            Assert.True((bool)results["queueFull"]!["raised"]!);
            Assert.StartsWith("This application is currently busy.", (string?)results["queueFull"]!["message"], StringComparison.Ordinal);

            Assert.Null(results["gradio4"]!["apiPrefix"]);
            Assert.Equal("4.44.1", (string?)results["gradio4"]!["version"]);
            Assert.StartsWith($"{Server.BaseUri}file=", (string?)results["gradio4"]!["url"], StringComparison.Ordinal);
        }
        finally
        {
            inputs.Delete(recursive: true);
        }
    }

    private static string NodeScriptDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "node", "package-lock.json");
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "Deckard.RunPodMock.Tests.csproj")))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new DirectoryNotFoundException("tests/Deckard.RunPodMock.Tests/node was not found above " + AppContext.BaseDirectory);
    }
}
