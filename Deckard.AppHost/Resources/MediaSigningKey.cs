namespace Deckard.AppHost.Resources;

/// <summary>
/// One key for every Api instance to sign and check media links with (<c>Media__SigningKey</c>): generated once and
/// kept in the state folder, so a link signed by one replica works on another, and links survive a restart. Without it
/// each process would make its own key and a link would work only where it was signed.
/// <c>Parameters:media-signing-key</c> overrides it; a published app takes it from its platform's secrets.
/// </summary>
public static class MediaSigningKey
{
    public const string ParameterName = "media-signing-key";

    public static IResourceBuilder<ProjectResource> WithMediaSigningKey(this IResourceBuilder<ProjectResource> api)
    {
        var builder = api.ApplicationBuilder;
        // The state folder's secrets are Unix files (owner-only mode); Deckard's local servers run on Linux and macOS.
        if (builder.ExecutionContext.IsPublishMode || OperatingSystem.IsWindows())
        {
            return api;
        }

        var key = builder.AddParameter(ParameterName, new StateFolderSecret(Path.Combine(StateFolder.Resolve(builder), "secrets", ParameterName)), secret: true);
        return api.WithEnvironment("Media__SigningKey", key);
    }
}
