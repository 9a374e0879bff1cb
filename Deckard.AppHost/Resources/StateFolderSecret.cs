using System.Security.Cryptography;
using Aspire.Hosting.Publishing;

namespace Deckard.AppHost.Resources;

/// <summary>
/// A parameter's default: a password generated on first use and kept in the state folder beside the data it guards,
/// so a server's data and its password live and die together. <c>Parameters:{name}</c> still overrides it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StateFolderSecret(string path) : ParameterDefault
{
    // Letters and digits only: StackExchange.Redis cannot parse commas in a password, and nothing here needs quoting.
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const int Length = 24;

    public string Path { get; } = path;

    public override string GetDefaultValue()
    {
        if (File.Exists(Path))
        {
            return File.ReadAllText(Path).Trim();
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var secret = RandomNumberGenerator.GetString(Alphabet, Length);
        using (var file = new FileStream(Path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(secret);
        }

        return secret;
    }

    /// <summary>A published app has no state folder: its manifest asks for a generated value, as Aspire's own passwords do.</summary>
    public override void WriteToManifest(ManifestPublishingContext context) =>
        new GenerateParameterDefault { MinLength = Length, Special = false }.WriteToManifest(context);
}
