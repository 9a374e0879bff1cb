namespace Deckard.Core.Media;

/// <summary>Media that cannot be made ready for rendering, with a reason a person can act on.</summary>
public sealed class MediaPreparationException(string reason) : Exception(reason);
