namespace Deckard.DistributedTests.Infrastructure;

/// <summary>The pipeline test classes share one running topology.</summary>
[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "pipeline";
}
