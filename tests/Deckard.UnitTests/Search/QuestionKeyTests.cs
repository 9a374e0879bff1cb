using Deckard.Core.Search;

namespace Deckard.UnitTests.Search;

public sealed class QuestionKeyTests
{
    [Theory]
    [InlineData("How tall is the Eiffel Tower?", "how tall is the eiffel tower")]
    [InlineData("  HOW tall   is\tthe Eiffel Tower ?! ", "how tall is the eiffel tower")]
    public void Case_spacing_and_trailing_punctuation_do_not_change_the_question(string question, string normalised) =>
        Assert.Equal(normalised, QuestionKey.Normalise(question));

    [Fact]
    public void The_same_question_has_the_same_key_and_another_question_another()
    {
        Assert.Equal(QuestionKey.Of("How tall is the Eiffel Tower?"), QuestionKey.Of("how tall is the eiffel tower"));
        Assert.NotEqual(QuestionKey.Of("How tall is the Eiffel Tower?"), QuestionKey.Of("How old is the Eiffel Tower?"));
        Assert.Matches("^[0-9a-f]{64}$", QuestionKey.Of("anything"));
    }
}
