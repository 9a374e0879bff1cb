namespace Deckard.Hosting;

/// <summary>A problem a person must fix (a missing package, a taken port): its message says how, without a stack trace.</summary>
public sealed class DeckardHostingException(string message, Exception? innerException = null)
    : Exception(message, innerException);
