namespace Deckard.AppHost.Resources;

/// <summary>
/// Where the local servers keep their data and generated secrets: <c>.deckard/</c> in the repository root (git-ignored),
/// or <c>AppHost:StateDirectory</c>. Deleting it starts everything afresh.
/// </summary>
public static class StateFolder
{
    public const string SettingName = "AppHost:StateDirectory";

    public static string Resolve(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(builder.Configuration[SettingName] is { Length: > 0 } configured
            ? configured
            : Path.Combine(builder.AppHostDirectory, "..", ".deckard"));
}
