using System.Security.Cryptography;

namespace Deckard.Hosting.Orchestration;

internal static class ReplicaNames
{
    /// <summary>An 8-letter random suffix, as Aspire names replicas (<c>workers-ybumhggr</c>) and fills <c>service.instance.id</c>.</summary>
    public static string NewInstanceId() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", 8);
}
