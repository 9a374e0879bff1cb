using System.Security.Cryptography;
using System.Text;
using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Health;
using Deckard.Hosting.Infrastructure;
using Deckard.Hosting.Processes;

namespace Deckard.Hosting.Orchestration.Launchers;

/// <summary>
/// A local PostgreSQL: initdb into the state folder on first run (password authentication, the generated password),
/// then <c>postgres</c> on loopback and the allocated port, with no Unix socket (so no system folder is needed).
/// initdb refuses to run as root, so when the AppHost is root both run as the unprivileged <c>postgres</c> account.
/// </summary>
internal sealed class PostgresLauncher(PostgresServerResource server, PostgresBinaries? binaries) : IResourceLauncher
{
    public async Task<ProcessSpec?> PrepareAsync(ReplicaContext replica, CancellationToken cancellationToken)
    {
        if (server.ExternalConnectionString is not null)
        {
            return null;
        }

        var postgres = binaries ?? throw new DeckardHostingException($"PostgreSQL server binaries not found. {PostgresBinaries.InstallHint}");
        var runAs = OsUser.CurrentIsRoot ? FindPostgresAccount() : null;
        var dataDirectory = DataDirectory(replica.Hosting.Options.StateDirectory, runAs, replica);

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(postgres, dataDirectory, runAs, replica, cancellationToken);
        }

        return new ProcessSpec(
            postgres.Postgres,
            [
                "-D", dataDirectory,
                "-p", server.Endpoint.Port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=",
                "-c", "logging_collector=off",
                // Every Api and Workers process keeps a pool; the default 100 is too few for a few replicas under load.
                "-c", "max_connections=300",
            ],
            dataDirectory,
            replica.Hosting.InheritedEnvironment,
            StopSignal: UnixSignal.Interrupt,
            RunAs: runAs);
    }

    public IHealthProbe CreateHealthProbe(ReplicaContext replica) =>
        server.ExternalConnectionString is { } external
            ? new PostgresHealthProbe(external, databaseToCreate: null)
            : new PostgresHealthProbe(server.GetMaintenanceConnectionString()!, server.DatabaseName);

    public string Describe(ReplicaContext replica) =>
        server.ExternalConnectionString is not null
            ? "(configured connection string)"
            : $"127.0.0.1:{server.Endpoint.Port} database '{server.DatabaseName}', user {PostgresServerResource.UserName}";

    private async Task InitializeAsync(
        PostgresBinaries postgres, string dataDirectory, OsUser? runAs, ReplicaContext replica, CancellationToken cancellationToken)
    {
        replica.WriteSystemLine($"Initializing a new PostgreSQL cluster in {dataDirectory}");
        Directory.CreateDirectory(dataDirectory);
        SetMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var passwordFile = Path.Combine(Path.GetDirectoryName(dataDirectory)!, "initdb-password");
        await File.WriteAllTextAsync(passwordFile, server.Password + "\n", Encoding.UTF8, cancellationToken);
        SetMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (runAs is not null)
        {
            ChangeOwner(Path.GetDirectoryName(dataDirectory)!, runAs);
            ChangeOwner(dataDirectory, runAs);
            ChangeOwner(passwordFile, runAs);
        }

        try
        {
            var spec = new ProcessSpec(
                postgres.InitDb,
                ["-D", dataDirectory, "-U", PostgresServerResource.UserName, "--pwfile", passwordFile,
                 "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C", "--no-sync"],
                Path.GetDirectoryName(dataDirectory)!,
                replica.Hosting.InheritedEnvironment,
                RunAs: runAs);
            await using var initdb = await SupervisedProcess.StartAsync(
                replica.Hosting.ProcessLauncher, spec, (line, isError) => replica.WriteLine(line, isError), cancellationToken);
            var exitCode = await initdb.Exited.WaitAsync(cancellationToken);
            if (exitCode != 0)
            {
                // A half-made cluster would be taken as made next time.
                Directory.Delete(dataDirectory, recursive: true);
                throw new DeckardHostingException($"initdb failed with exit code {exitCode}; its output is above in the '{replica.Name}' log.");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static OsUser FindPostgresAccount() =>
        OsUser.Find(PostgresServerResource.UserName)
        ?? throw new DeckardHostingException(
            "The AppHost runs as root, and PostgreSQL refuses to: it runs as the unprivileged account 'postgres', which does not exist. " +
            "Installing the package creates it: sudo apt-get install -y postgresql");

    /// <summary>
    /// <c>{state}/{name}/data</c>, unless the postgres account cannot reach it (a repository under /root, say): then a
    /// folder of its own under /var/tmp, named after the state folder so each checkout keeps its own cluster.
    /// </summary>
    private string DataDirectory(string stateDirectory, OsUser? runAs, ReplicaContext replica)
    {
        var preferred = Path.Combine(stateDirectory, server.Name, "data");
        if (runAs is null || IsReachableByOthers(stateDirectory))
        {
            return preferred;
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stateDirectory)))[..12];
        var fallback = Path.Combine("/var/tmp", $"deckard-{key}", server.Name, "data");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetDirectoryName(fallback))!);
        replica.WriteSystemLine(
            $"The 'postgres' account cannot reach {stateDirectory} (a parent folder is not searchable by others); keeping the cluster in {fallback}.");
        return fallback;
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

    /// <summary>PostgreSQL refuses a data folder others can read; the password file is nobody else's business either.</summary>
    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static void ChangeOwner(string path, OsUser user)
    {
        if (NativeMethods.Chown(path, user.UserId, user.GroupId) != 0)
        {
            throw new DeckardHostingException($"Could not give {path} to the '{user.Name}' account (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).");
        }
    }
}
