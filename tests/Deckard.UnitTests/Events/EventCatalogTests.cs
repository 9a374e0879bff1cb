using System.Reflection;
using System.Text.Json;
using Deckard.Core.Events;
using Deckard.Core.Storage;

namespace Deckard.UnitTests.Events;

public sealed class EventCatalogTests
{
    [Fact]
    public void Every_event_type_of_the_contract_has_a_named_data_type()
    {
        var types = typeof(EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!).ToList();

        Assert.Equal(types.Order(StringComparer.Ordinal), EventCatalog.DataTypes.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Event_data_is_stored_in_camel_case_without_null_fields()
    {
        var json = DeckardJson.Serialize(new StepStartedData("transcribe", null, 1));
        var retrying = DeckardJson.Serialize(new StepRetryingData("lipsync", "turn-2", 2, 1500, "the pod answered 503"));

        Assert.Equal("""{"step":"transcribe","attempt":1}""", json);
        Assert.Equal("""{"step":"lipsync","instance":"turn-2","attempt":2,"retryInMs":1500,"reason":"the pod answered 503"}""", retrying);
    }

    [Fact]
    public void A_turns_audio_is_nested_as_the_contract_names_it()
    {
        var id = Guid.NewGuid();

        using var turn = JsonDocument.Parse(DeckardJson.Serialize(new TurnCompletedData(3, "hi", "hello", new TurnAudioData(id, 1200), false, true, true)));

        Assert.Equal(id, turn.RootElement.GetProperty("audio").GetProperty("artifactId").GetGuid());
        Assert.Equal(1200, turn.RootElement.GetProperty("audio").GetProperty("durationMs").GetInt32());
        Assert.True(turn.RootElement.GetProperty("lipsync").GetBoolean());
    }
}
