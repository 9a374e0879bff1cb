using Deckard.Core.Artifacts;

namespace Deckard.Core.Avatars;

/// <summary>
/// A person's avatars are the portraits they generated; the newest is their current one. A session may name another of
/// theirs; with none at all, the built-in default portrait stands in so that lip-sync works from the first session.
/// </summary>
public sealed class AvatarStore(ArtifactStore artifacts)
{
    public const int MaxListed = 100;

    /// <summary>The owner's avatars, current first.</summary>
    public Task<IReadOnlyList<ArtifactView>> ListAsync(string owner, CancellationToken cancellationToken) =>
        artifacts.ListOfOwnerAsync(owner, ArtifactRoles.Portrait, MaxListed, cancellationToken);

    /// <summary>The chosen avatar when it is one of the owner's portraits, else null.</summary>
    public async Task<StoredArtifact?> FindAsync(string owner, Guid avatarId, CancellationToken cancellationToken) =>
        await artifacts.ReadByIdAsync(avatarId, cancellationToken) is { Role: ArtifactRoles.Portrait } artifact && artifact.Owner == owner
            ? artifact
            : null;

    /// <summary>The portrait to animate: the chosen one, the current one, or the default.</summary>
    public async Task<Avatar> ResolveAsync(string owner, Guid? avatarId, CancellationToken cancellationToken)
    {
        if (avatarId is { } chosen)
        {
            return await FindAsync(owner, chosen, cancellationToken) is { } artifact
                ? new Avatar(AvatarSource.Chosen, artifact.Id, artifact.ContentType, artifact.Data)
                : throw new AvatarNotFoundException(chosen);
        }

        var newest = await artifacts.ListOfOwnerAsync(owner, ArtifactRoles.Portrait, 1, cancellationToken);
        if (newest.Count == 1 && await artifacts.ReadByIdAsync(newest[0].Id, cancellationToken) is { } current)
        {
            return new Avatar(AvatarSource.Current, current.Id, current.ContentType, current.Data);
        }

        return new Avatar(AvatarSource.Default, null, "image/png", DefaultPortrait.Bytes);
    }
}

/// <summary>A portrait to animate and where it came from (<see cref="ArtifactId"/> is null for the default).</summary>
public sealed record Avatar(string Source, Guid? ArtifactId, string ContentType, byte[] Data);

public static class AvatarSource
{
    public const string Chosen = "chosen";
    public const string Current = "current";
    public const string Default = "default";
}

public sealed class AvatarNotFoundException(Guid avatarId)
    : Exception($"The avatar {avatarId} is not one of this person's portraits.")
{
    public Guid AvatarId { get; } = avatarId;
}
