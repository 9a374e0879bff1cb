using Deckard.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Deckard.UnitTests.Hosting;

public sealed class ParameterStoreTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("deckard-params-").FullName;

    [Fact]
    public void A_generated_password_is_kept_so_a_persisted_database_still_opens_next_run()
    {
        var first = new ParameterStore(Configuration(), _state).GetOrCreateSecret("postgres-password");
        var second = new ParameterStore(Configuration(), _state).GetOrCreateSecret("postgres-password");

        Assert.Equal(first, second);
        Assert.Equal(22, first.Length);
        Assert.All(first, character => Assert.True(char.IsAsciiLetterOrDigit(character)));
    }

    [Fact]
    public void A_configured_password_wins_and_is_not_written_down()
    {
        var store = new ParameterStore(Configuration(("Parameters:redis-password", "from-config")), _state);

        Assert.Equal("from-config", store.GetOrCreateSecret("redis-password"));
        Assert.False(File.Exists(store.FilePath));
    }

    [Fact]
    public void Each_parameter_gets_its_own_value()
    {
        var store = new ParameterStore(Configuration(), _state);

        Assert.NotEqual(store.GetOrCreateSecret("postgres-password"), store.GetOrCreateSecret("redis-password"));
    }

    [Fact]
    public void The_parameters_file_is_readable_only_by_its_owner()
    {
        var store = new ParameterStore(Configuration(), _state);
        store.GetOrCreateSecret("postgres-password");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)))
            .Build();

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
