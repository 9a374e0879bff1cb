using Deckard.Core.Search;

namespace Deckard.UnitTests.Search;

public sealed class SpokenTextTests
{
    [Fact]
    public void Links_keep_their_words_and_lose_their_urls_and_citation_markers_go()
    {
        var spoken = SpokenText.From(
            "The **Eiffel Tower** is 330 m tall ([toureiffel.paris](https://www.toureiffel.paris/en?utm_source=openai)). " +
            "See [the official site](https://www.toureiffel.paris) or https://en.wikipedia.org/wiki/Eiffel_Tower for more.", 600);

        Assert.Equal("The Eiffel Tower is 330 m tall. See the official site or for more.", spoken);
    }

    [Fact]
    public void Headings_and_list_items_are_read_as_sentences_without_their_marks()
    {
        var spoken = SpokenText.From("## Key facts\n\n- Built in *1889*\n- Designed by `Gustave Eiffel`\n\n> Iron lattice.", 600);

        Assert.Equal("Key facts. Built in 1889. Designed by Gustave Eiffel. Iron lattice.", spoken);
    }

    [Fact]
    public void Code_blocks_are_not_read_aloud() =>
        Assert.Equal("Run this.", SpokenText.From("Run this.\n```bash\nrm -rf /tmp/x\n```", 600));

    [Fact]
    public void A_long_answer_is_cut_at_a_sentence_end_within_the_limit()
    {
        var spoken = SpokenText.From("First sentence here. Second sentence is longer than that. Third one.", 45);

        Assert.Equal("First sentence here.", spoken);
    }

    [Fact]
    public void A_first_sentence_longer_than_the_limit_is_cut_at_a_word() =>
        Assert.Equal("A very long sentence.", SpokenText.From("A very long sentence without any end in sight at all", 22));

    [Fact]
    public void An_answer_of_nothing_but_links_has_nothing_to_speak() =>
        Assert.Equal("", SpokenText.From("https://example.com/a\n\n([example.com](https://example.com/b))", 600));
}
