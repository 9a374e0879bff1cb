namespace Deckard.OpenAIMock.Wire;

/// <summary>How streamed text is cut into deltas: word by word, each word keeping its leading space, like model tokens.</summary>
public static class TextChunks
{
    public static IReadOnlyList<string> Words(string text)
    {
        var chunks = new List<string>();
        var start = 0;
        for (var index = 1; index <= text.Length; index++)
        {
            if (index == text.Length || (text[index] == ' ' && text[index - 1] != ' '))
            {
                chunks.Add(text[start..index]);
                start = index;
            }
        }

        return chunks;
    }

    public static IReadOnlyList<string> Fixed(string text, int size)
    {
        var chunks = new List<string>();
        for (var index = 0; index < text.Length; index += size)
        {
            chunks.Add(text.Substring(index, Math.Min(size, text.Length - index)));
        }

        return chunks;
    }
}
