using Deckard.Core.OpenAI;

namespace Deckard.UnitTests.Pipeline;

public sealed class PortraitStylesTests
{
    [Fact]
    public void A_preset_style_asks_the_model_in_its_own_words_for_a_face_lip_sync_can_use()
    {
        var prompt = PortraitStyles.Prompt("a lighthouse keeper with a grey beard.", "Anime");

        Assert.StartsWith("A head-and-shoulders portrait of a lighthouse keeper with a grey beard, in anime style, clean line art", prompt, StringComparison.Ordinal);
        Assert.Contains("facing the camera", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void A_style_that_is_no_preset_is_passed_on_as_said_and_none_means_photorealistic()
    {
        Assert.Contains("in art nouveau style.", PortraitStyles.Prompt("a singer", "art nouveau"), StringComparison.Ordinal);
        Assert.Contains("photorealistic studio photograph", PortraitStyles.Prompt("a singer", null), StringComparison.Ordinal);
    }
}
