// OpenAI.Responses is experimental in the 2.15 SDK (OPENAI001); Deckard calls it the same way.
#pragma warning disable OPENAI001
using System.ClientModel.Primitives;
using Deckard.Workers.Steps;
using OpenAI.Responses;

namespace Deckard.UnitTests.Search;

public sealed class WebSearchAnswerTests
{
    [Fact]
    public void A_citations_url_keeps_its_escaping_so_a_link_built_from_it_still_works()
    {
        var response = Response("""
            {"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"gpt-5","output":[
              {"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[
                {"type":"output_text","text":"Mount Everest.","annotations":[
                  {"type":"url_citation","url":"https://en.wikipedia.org/w/index.php?search=What%20is%20the%20tallest%20mountain&utm_source=openai","title":"Everest","start_index":0,"end_index":14}]}]}]}
            """);

        var (text, citations) = WebSearchStep.Read(response);

        Assert.Equal("Mount Everest.", text);
        var citation = Assert.Single(citations);
        Assert.Equal("https://en.wikipedia.org/w/index.php?search=What%20is%20the%20tallest%20mountain&utm_source=openai", citation.Url);
        Assert.Equal((0, 14), (citation.StartIndex, citation.EndIndex));
    }

    private static ResponseResult Response(string json) =>
        ModelReaderWriter.Read<ResponseResult>(BinaryData.FromString(json), ModelReaderWriterOptions.Json, OpenAI.OpenAIContext.Default)!;
}
