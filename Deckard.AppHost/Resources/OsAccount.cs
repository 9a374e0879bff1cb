using System.Runtime.InteropServices;

namespace Deckard.AppHost.Resources;

/// <summary>A local account, read from <c>/etc/passwd</c>: the unprivileged user PostgreSQL runs as when the AppHost is root.</summary>
public sealed partial record OsAccount(string Name, int UserId, int GroupId)
{
    public static bool CurrentIsRoot => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    public static OsAccount? Find(string name)
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
                return new OsAccount(name, userId, groupId);
            }
        }

        return null;
    }

    /// <summary>The command prefix that runs a program as this account, replacing the process (so signals reach it directly).</summary>
    public IReadOnlyList<string> RunAsPrefix() =>
        ["setpriv", $"--reuid={UserId}", $"--regid={GroupId}", "--clear-groups", "--"];

    public void TakeOwnership(string path)
    {
        if (Chown(path, (uint)UserId, (uint)GroupId) != 0)
        {
            throw new InvalidOperationException(
                $"Could not give {path} to the '{Name}' account (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
