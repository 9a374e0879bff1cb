using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Tests.Fidelity;

/// <summary>The shape comparison the fidelity tests rely on, checked on its own so a silent comparer cannot pass them.</summary>
public sealed class JsonShapeTests
{
    [Fact]
    public void A_key_the_recording_has_and_the_stand_in_lacks_is_reported_with_its_path()
    {
        var differences = JsonShape.Differences(
            JsonNode.Parse("""{"usage":{"input_tokens":1,"output_tokens_details":{"reasoning_tokens":0}}}"""),
            JsonNode.Parse("""{"usage":{"input_tokens":7}}"""));

        Assert.Equal(["$.usage.output_tokens_details: missing in the stand-in (recorded object)"], differences);
    }

    [Fact]
    public void A_value_of_another_JSON_kind_is_reported_but_another_value_of_the_same_kind_is_not()
    {
        var differences = JsonShape.Differences(
            JsonNode.Parse("""{"id":"resp_1","created_at":1,"store":true,"error":null,"text":"a"}"""),
            JsonNode.Parse("""{"id":"resp_2","created_at":2.5,"store":false,"error":{},"text":null}"""));

        Assert.Equal(["$.error: recorded null, stand-in object", "$.text: recorded string, stand-in null"], differences);
    }

    [Fact]
    public void Typed_array_elements_are_compared_with_the_stand_ins_element_of_the_same_type()
    {
        var differences = JsonShape.Differences(
            JsonNode.Parse("""{"output":[{"type":"reasoning","summary":[]},{"type":"message","role":"assistant","phase":"final_answer"}]}"""),
            JsonNode.Parse("""{"output":[{"type":"message","role":"assistant"},{"type":"reasoning","summary":[]}]}"""));

        Assert.Equal(["$.output[message].phase: missing in the stand-in (recorded string)"], differences);
    }

    [Fact]
    public void A_recorded_element_type_the_stand_in_never_sends_is_reported()
    {
        var differences = JsonShape.Differences(
            JsonNode.Parse("""{"sources":[{"type":"url","url":"u"},{"type":"api","name":"oai-weather"}]}"""),
            JsonNode.Parse("""{"sources":[{"type":"url","url":"v"}]}"""));

        Assert.Equal(["$.sources[api]: the stand-in has no element of type 'api'"], differences);
    }

    [Fact]
    public void Excused_paths_and_excused_key_names_are_not_compared()
    {
        var recorded = JsonNode.Parse("""{"a":{"prompt_cache_retention":null},"sources":[{"type":"api"}],"b":1}""");
        var actual = JsonNode.Parse("""{"a":{"prompt_cache_retention":"in_memory"},"sources":[]}""");

        var differences = JsonShape.Differences(recorded, actual, new HashSet<string> { "..prompt_cache_retention", "$.sources[api]" });

        Assert.Equal(["$.b: missing in the stand-in (recorded number)"], differences);
    }

    [Fact]
    public void Streams_differ_when_their_event_order_differs_even_with_the_same_events()
    {
        var recorded = ServerSentEvents.Parse(
            "event: a\ndata: {\"type\":\"delta\"}\n\ndata: {\"type\":\"delta\"}\n\ndata: {\"type\":\"annotation\"}\n\ndata: {\"type\":\"delta\"}\n\n");
        var actual = ServerSentEvents.Parse("data: {\"type\":\"delta\"}\r\n\r\ndata: {\"type\":\"annotation\"}\r\n\r\ndata: [DONE]\r\n\r\n");

        var differences = EventStreamShape.Differences(recorded, actual);

        Assert.Equal(
        [
            "event order: recorded [delta, annotation, delta], stand-in [delta, annotation]",
            "[DONE]: recorded False, stand-in True",
        ], differences);
    }
}
