using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Deckard.AppHost.Resources;

/// <summary>
/// A local PostgreSQL cluster's files: where they live, who owns them, initdb on first start, and the command that serves
/// them. initdb and postgres refuse to run as root, so when the AppHost is root both run as the unprivileged account
/// <c>postgres</c> that the Debian package creates.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresCluster
{
    /// <summary>The wrapper that turns DCP's SIGTERM into PostgreSQL's fast shutdown (see the script).</summary>
    public static readonly string FastShutdownWrapper = Path.Combine(AppContext.BaseDirectory, "Resources", "postgres-server.sh");

    private readonly PostgresBinaries? _binaries;

    public LocalPostgresCluster(string stateDirectory, string serverName, PostgresBinaries? binaries, OsAccount? runAs)
    {
        _binaries = binaries;
        RunAs = runAs;
        UsesFallbackDirectory = runAs is not null && !IsReachableByOthers(stateDirectory);
        DataDirectory = UsesFallbackDirectory ? FallbackDirectory(stateDirectory, serverName) : Path.Combine(stateDirectory, serverName, "data");
    }

    public bool UsesFallbackDirectory { get; }

    /// <summary>The account the server runs as (root's stand-in), or null to run as the AppHost's own user.</summary>
    public OsAccount? RunAs { get; }

    /// <summary>
    /// <c>{state}/{server}/data</c>, unless the postgres account cannot reach the state folder (a checkout under /root,
    /// say): then a folder of its own under /var/tmp, named after the state folder so each checkout keeps its own cluster.
    /// </summary>
    public string DataDirectory { get; }

    public PostgresBinaries Binaries =>
        _binaries ?? throw new DistributedApplicationException($"PostgreSQL server binaries not found. {PostgresBinaries.InstallHint}");

    /// <summary>The executable's arguments after <c>/bin/sh</c>: the wrapper script, then the server (as <see cref="RunAs"/>) on <paramref name="port"/>.</summary>
    public IEnumerable<object> ServerArguments(object port)
    {
        string[] server = [.. RunAs?.RunAsPrefix() ?? [], Binaries.Postgres];
        return
        [
            FastShutdownWrapper,
            .. server,
            "-D", DataDirectory,
            "-p", port,
            "-c", "listen_addresses=localhost",
            // No Unix socket: no system folder (/var/run/postgresql) is needed, and only TCP with a password is offered.
            "-c", "unix_socket_directories=",
            "-c", "logging_collector=off",
            // Every Api and Workers process keeps a pool; the default 100 is too few for a few replicas under load.
            "-c", "max_connections=300",
        ];
    }

    /// <summary>Creates the cluster on first start (password authentication with <paramref name="password"/>); a no-op afterwards.</summary>
    public async Task EnsureInitializedAsync(string password, ILogger log, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return;
        }

        var binaries = Binaries;
        var parent = Path.GetDirectoryName(DataDirectory)!;
        if (UsesFallbackDirectory)
        {
            log.LogInformation("The 'postgres' account cannot reach the state folder (a parent folder is not searchable by others); keeping the cluster in {DataDirectory}.", DataDirectory);
        }

        log.LogInformation("Initializing a new PostgreSQL cluster in {DataDirectory}", DataDirectory);
        Directory.CreateDirectory(DataDirectory);
        // PostgreSQL refuses a data folder others can read; the password file is nobody else's business either.
        File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var passwordFile = Path.Combine(parent, "initdb-password");
        await File.WriteAllTextAsync(passwordFile, password + "\n", Encoding.UTF8, cancellationToken);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            if (RunAs is { } account)
            {
                account.TakeOwnership(parent);
                account.TakeOwnership(DataDirectory);
                account.TakeOwnership(passwordFile);
            }

            string[] initdb =
            [
                .. RunAs?.RunAsPrefix() ?? [], binaries.InitDb,
                "-D", DataDirectory, "-U", LocalPostgresServerResource.UserName, "--pwfile", passwordFile,
                "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C", "--no-sync",
            ];
            var exitCode = await ToolProcess.RunAsync(initdb[0], initdb[1..], log, TimeSpan.FromMinutes(2), cancellationToken);
            if (exitCode != 0)
            {
                // A half-made cluster would be taken as made next time.
                Directory.Delete(DataDirectory, recursive: true);
                throw new DistributedApplicationException(
                    exitCode is null ? $"Could not start {initdb[0]}." : $"initdb failed with exit code {exitCode}; its output is above in this resource's log.");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static string FallbackDirectory(string stateDirectory, string serverName)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stateDirectory)))[..12];
        return Path.Combine("/var/tmp", $"deckard-{key}", serverName, "data");
    }

    /// <summary>Whether every existing folder from the root down to <paramref name="directory"/> lets other users through.</summary>
    private static bool IsReachableByOthers(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            if (current.Exists && !current.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }
}
