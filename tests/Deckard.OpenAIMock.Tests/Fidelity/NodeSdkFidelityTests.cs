using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;

namespace Deckard.OpenAIMock.Tests.Fidelity;

/// <summary>
/// Fidelity beyond the .NET SDK: OpenAI's official Node package (pinned in node/package-lock.json) drives the stand-in
/// through speech, transcription, a function-tool call, a streamed web-search answer, an image and a refused key.
/// </summary>
public sealed class NodeSdkFidelityTests(OpenAIMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task The_official_openai_npm_package_works_against_the_stand_in()
    {
        var scriptDirectory = NodeScriptDirectory();
        if (!Directory.Exists(Path.Combine(scriptDirectory, "node_modules", "openai")))
        {
            await MediaTools.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], scriptDirectory, timeout: TimeSpan.FromMinutes(5));
        }

        await Admin.QueueAsync("transcriptions", new { transcript = "What is the tallest mountain in the world?" });

        var output = await MediaTools.RunAsync("node", ["fidelity.mjs"], scriptDirectory, new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = Server.V1.ToString(),
            ["OPENAI_API_KEY"] = OpenAIMockServer.ApiKey,
        });
        var results = JsonNode.Parse(output.Trim().Split('\n')[^1])!;

        Assert.Equal("audio/wav", (string?)results["speech"]!["contentType"]);
        Assert.Equal("WAVE", (string?)results["speech"]!["container"]);
        Assert.True((int)results["speech"]!["bytes"]! > 24_000);

        Assert.Equal("What is the tallest mountain in the world?", (string?)results["transcription"]!["text"]);
        Assert.Equal("tokens", (string?)results["transcription"]!["usageType"]);

        Assert.Equal("create_avatar", (string?)results["functionCall"]!["name"]);
        Assert.Equal("anime", (string?)results["functionCall"]!["arguments"]!["style"]);
        Assert.True((int)results["functionCall"]!["totalTokens"]! > 0);

        var streaming = results["streaming"]!;
        var types = ((JsonArray)streaming["types"]!).Select(type => (string?)type).ToList();
        Assert.Equal("response.created", types[0]);
        Assert.Equal("response.completed", types[^1]);
        Assert.Contains("response.web_search_call.searching", types);
        Assert.Contains("response.output_text.annotation.added", types);
        Assert.Equal((string?)streaming["doneText"], (string?)streaming["deltas"]);
        Assert.Equal("completed", (string?)streaming["status"]);
        Assert.Equal(2, ((JsonArray)streaming["citations"]!).Count);

        Assert.Equal("PNG", (string?)results["image"]!["signature"]);
        Assert.Equal(1024, (int)results["image"]!["width"]!);
        Assert.Equal(1536, (int)results["image"]!["height"]!);

        Assert.Equal(401, (int)results["wrongKey"]!["status"]!);
        Assert.Equal("invalid_api_key", (string?)results["wrongKey"]!["code"]);
        Assert.True((bool)results["wrongKey"]!["authenticationError"]!);
    }

    private static string NodeScriptDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "node", "package-lock.json");
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "Deckard.OpenAIMock.Tests.csproj")))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new DirectoryNotFoundException("tests/Deckard.OpenAIMock.Tests/node was not found above " + AppContext.BaseDirectory);
    }
}
