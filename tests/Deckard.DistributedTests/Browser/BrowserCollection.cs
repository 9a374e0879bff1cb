namespace Deckard.DistributedTests.Browser;

/// <summary>The browser test classes share one topology with the web app.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
