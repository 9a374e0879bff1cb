using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deckard.OpenAIMock.Tests.Infrastructure;
using OpenAI.Responses;

namespace Deckard.OpenAIMock.Tests.Responses;

/// <summary>
/// The web-search answer Deckard turns into speech: it must read like a real one (a few sentences of markdown, sources
/// cited inline), with citation offsets that are valid positions in the text.
/// </summary>
public sealed partial class WebSearchAnswerTests(OpenAIMockServer server) : StandInTest(server)
{
    private ResponsesClient Responses => Server.Client().GetResponsesClient();

    [Fact]
    public async Task A_default_web_search_answer_is_markdown_whose_citations_span_their_inline_links()
    {
        ResponseResult result = await Responses.CreateResponseAsync(ResponsesTests.KnowledgeQuestion("How tall is Mount Everest?"));

        var text = result.GetOutputText()!;
        Assert.Contains("**", text, StringComparison.Ordinal);
        Assert.Contains("\n- ", text, StringComparison.Ordinal);
        Assert.True(SentenceEnd().Count(text) >= 3, text);
        var citations = Citations(result);
        Assert.Equal(2, citations.Count);
        foreach (var citation in citations)
        {
            Assert.InRange(citation.StartIndex, 0, text.Length - 1);
            Assert.InRange(citation.EndIndex, citation.StartIndex + 1, text.Length);
            var link = InlineLink().Match(text[citation.StartIndex..citation.EndIndex]);
            Assert.True(link.Success, text[citation.StartIndex..citation.EndIndex]);
            Assert.Equal(citation.Uri.OriginalString, link.Groups["url"].Value);
            Assert.Equal(citation.Uri.Host.Replace("www.", "", StringComparison.Ordinal), link.Groups["label"].Value);
        }

        // The answer goes on after its last citation, as real answers do.
        Assert.True(citations.Max(citation => citation.EndIndex) < text.Length - 10);
    }

    [Fact]
    public async Task Scripted_citations_follow_the_sentences_they_support()
    {
        await Admin.QueueAsync("responses", new
        {
            text = "Comets are icy bodies. They grow tails near the Sun. Some return every few years.",
            citations = new[]
            {
                new { url = "https://example.org/comets", title = "Comets" },
                new { url = "https://www.example.com/tails", title = "Tails" },
            },
        });

        ResponseResult result = await Responses.CreateResponseAsync(ResponsesTests.KnowledgeQuestion("What is a comet?"));

        var text = result.GetOutputText()!;
        Assert.Equal(
            "Comets are icy bodies. ([example.org](https://example.org/comets)) They grow tails near the Sun. " +
            "([example.com](https://www.example.com/tails)) Some return every few years.", text);
        Assert.Equal(
            ["([example.org](https://example.org/comets))", "([example.com](https://www.example.com/tails))"],
            Citations(result).Select(citation => text[citation.StartIndex..citation.EndIndex]));
    }

    [Fact]
    public async Task A_web_search_answer_scripted_with_no_citations_searches_and_cites_nothing()
    {
        await Admin.QueueAsync("responses", new { text = "Comets are icy bodies that grow tails near the Sun.", citations = Array.Empty<object>() });

        ResponseResult result = await Responses.CreateResponseAsync(ResponsesTests.KnowledgeQuestion("What is a comet?"));

        Assert.Single(result.OutputItems.OfType<WebSearchCallResponseItem>());
        Assert.Equal("Comets are icy bodies that grow tails near the Sun.", result.GetOutputText());
        Assert.Empty(Citations(result));
    }

    [Fact]
    public async Task The_journal_tells_web_search_calls_apart_by_their_tool_and_counts_the_searches_made()
    {
        await Responses.CreateResponseAsync(ResponsesTests.KnowledgeQuestion("Who wrote Don Quixote?"));
        await Responses.CreateResponseAsync(RouterTools.RouterRequest("How tall is Mount Everest?"));
        await Responses.CreateResponseAsync(ResponsesTests.KnowledgeQuestion("How far away is the Moon?"));

        var searches = await Admin.RequestsAsync("responses", tool: "web_search");

        Assert.Equal(2, searches.Count);
        Assert.All(searches, entry =>
        {
            Assert.Equal("/v1/responses", (string?)entry["path"]);
            Assert.True((bool?)entry["summary"]!["has_web_search_tool"]);
            Assert.Equal(1, (int?)entry["summary"]!["web_search_calls"]);
        });
        var all = await Admin.RequestsAsync("responses");
        Assert.Equal(3, all.Count);
        Assert.Equal([true, false, true], all.Select(entry => (bool?)entry["summary"]!["has_web_search_tool"]));
        Assert.Equal([1, 0, 1], all.Select(entry => (int?)entry["summary"]!["web_search_calls"]));
    }

    [Fact]
    public async Task The_response_reports_its_web_searches_in_tool_usage()
    {
        using var http = Server.Http();
        using var content = new StringContent("""{"model":"gpt-5","input":"Who wrote Don Quixote?","tools":[{"type":"web_search"}]}""",
            System.Text.Encoding.UTF8, "application/json");

        using var response = await http.PostAsync("v1/responses", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(1, (int?)body["tool_usage"]!["web_search"]!["num_requests"]);
        Assert.Equal("medium", (string?)body["tools"]![0]!["search_context_size"]);
        Assert.Equal("US", (string?)body["tools"]![0]!["user_location"]!["country"]);
    }

    private static List<UriCitationMessageAnnotation> Citations(ResponseResult result) =>
    [
        .. result.OutputItems.OfType<MessageResponseItem>()
            .SelectMany(message => message.Content)
            .SelectMany(part => part.OutputTextAnnotations)
            .OfType<UriCitationMessageAnnotation>(),
    ];

    [GeneratedRegex(@"^\(\[(?<label>[^\]]+)\]\((?<url>[^)\s]+)\)\)$")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"[.!?:](\s|$)")]
    private static partial Regex SentenceEnd();
}
