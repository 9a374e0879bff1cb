using Deckard.AppHost.Resources;

namespace Deckard.AppHost.Tests;

/// <summary>The pieces the local PostgreSQL and Redis are made of, each on its own.</summary>
public sealed class LocalServerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deckard-local-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_generated_secret_is_made_once_kept_private_and_read_back_the_same()
    {
        var path = Path.Combine(_folder, "secrets", "postgres-password");

        var first = new StateFolderSecret(path).GetDefaultValue();
        var second = new StateFolderSecret(path).GetDefaultValue();

        Assert.Equal(first, second);
        Assert.Matches("^[A-Za-z0-9]{24}$", first);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void The_server_programs_are_not_found_in_a_folder_without_them_and_found_where_the_package_put_them()
    {
        Assert.Null(PostgresBinaries.Locate(_folder));

        var found = PostgresBinaries.Locate(null);

        Assert.NotNull(found);
        Assert.True(File.Exists(found.InitDb) && File.Exists(found.Postgres));
    }

    [Fact]
    public void Run_as_root_the_server_runs_as_the_postgres_account_and_a_private_state_folder_moves_the_cluster_to_var_tmp()
    {
        File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var account = new OsAccount("postgres", 101, 104);

        var cluster = new LocalPostgresCluster(_folder, "postgres", new PostgresBinaries("/usr/lib/postgresql/15/bin"), account);
        var arguments = cluster.ServerArguments(5432).Select(argument => argument.ToString()).ToList();

        Assert.True(cluster.UsesFallbackDirectory);
        Assert.StartsWith("/var/tmp/deckard-", cluster.DataDirectory, StringComparison.Ordinal);
        var server = arguments.IndexOf("/usr/lib/postgresql/15/bin/postgres");
        Assert.Equal(["setpriv", "--reuid=101", "--regid=104", "--clear-groups", "--"], arguments[(server - 5)..server]);
        Assert.Equal(cluster.DataDirectory, arguments[arguments.IndexOf("-D") + 1]);
    }

    [Fact]
    public void As_an_ordinary_user_the_cluster_stays_in_the_state_folder_and_the_server_runs_as_that_user()
    {
        var cluster = new LocalPostgresCluster(_folder, "postgres", new PostgresBinaries("/usr/lib/postgresql/15/bin"), runAs: null);
        var arguments = cluster.ServerArguments(5432).Select(argument => argument.ToString()).ToList();

        Assert.Equal(Path.Combine(_folder, "postgres", "data"), cluster.DataDirectory);
        Assert.DoesNotContain("setpriv", arguments);
        Assert.Equal("5432", arguments[arguments.IndexOf("-p") + 1]);
    }

    [Fact]
    public void Missing_server_programs_are_reported_with_the_command_that_installs_them()
    {
        var cluster = new LocalPostgresCluster(_folder, "postgres", binaries: null, runAs: null);

        var error = Assert.Throws<Aspire.Hosting.DistributedApplicationException>(() => cluster.Binaries);

        Assert.Contains("sudo apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", "true", "'true info' answered")]
    [InlineData("false", null, "'false info' failed (exit code 1)")]
    [InlineData("deckard-no-such-runtime", null, "deckard-no-such-runtime is not installed")]
    public async Task A_container_runtime_counts_only_when_its_info_command_answers(string runtime, string? expected, string reason)
    {
        var (found, why) = await ContainerRuntimeProbe.FindAsync(runtime, CancellationToken.None);

        Assert.Equal(expected, found);
        Assert.Equal(reason, why);
    }
}
