namespace Deckard.Core.Search;

/// <summary>
/// A web-search answer: the model's text, the sources it cites (each with the span of the text it supports), and
/// the spoken version that TTS reads (no URLs, no markdown).
/// </summary>
public sealed record Answer(string Text, string SpokenText, IReadOnlyList<Citation> Citations, string Model);

/// <summary>A <c>url_citation</c>: the source and the characters [<see cref="StartIndex"/>, <see cref="EndIndex"/>) of the answer it supports.</summary>
public sealed record Citation(string Title, string Url, int StartIndex, int EndIndex);
