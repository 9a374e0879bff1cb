namespace Deckard.Hosting.ApplicationModel;

/// <summary>A reference injected as <c>ConnectionStrings__{ConnectionName}</c>.</summary>
public sealed record ConnectionReference(IResourceWithConnectionString Resource, string ConnectionName);
