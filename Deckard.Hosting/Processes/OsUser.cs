namespace Deckard.Hosting.Processes;

/// <summary>A local account, read from <c>/etc/passwd</c>.</summary>
public sealed record OsUser(string Name, int UserId, int GroupId)
{
    public static bool CurrentIsRoot => !OperatingSystem.IsWindows() && NativeMethods.GetEffectiveUserId() == 0;

    public static OsUser? Find(string name)
    {
        const string passwd = "/etc/passwd";
        if (!File.Exists(passwd))
        {
            return null;
        }

        foreach (var line in File.ReadLines(passwd))
        {
            var fields = line.Split(':');
            if (fields.Length >= 4 && fields[0] == name
                && int.TryParse(fields[2], out var userId) && int.TryParse(fields[3], out var groupId))
            {
                return new OsUser(name, userId, groupId);
            }
        }

        return null;
    }
}
