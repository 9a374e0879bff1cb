using System.Text.Json;

namespace Deckard.DistributedTests.Infrastructure;

public sealed record ServerSentEvent(long Id, string Type, JsonElement Data);
