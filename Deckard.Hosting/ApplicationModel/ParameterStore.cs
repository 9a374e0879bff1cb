using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Deckard.Hosting.ApplicationModel;

/// <summary>
/// Secrets the AppHost generates (database and cache passwords). Configuration <c>Parameters:{name}</c> wins;
/// otherwise a value is generated once and kept in <c>{state}/parameters.json</c>, so a persisted database
/// keeps working across runs (Aspire keeps them in user secrets).
/// </summary>
public sealed class ParameterStore(IConfiguration configuration, string stateDirectory)
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private readonly Lock _gate = new();

    public string FilePath { get; } = Path.Combine(stateDirectory, "parameters.json");

    public string GetOrCreateSecret(string name)
    {
        var configured = configuration[$"Parameters:{name}"];
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        lock (_gate)
        {
            var stored = Load();
            if (stored.TryGetValue(name, out var existing) && !string.IsNullOrEmpty(existing))
            {
                return existing;
            }

            // Letters and digits only: StackExchange.Redis cannot parse commas, and no quoting is needed anywhere.
            var generated = RandomNumberGenerator.GetString(Alphabet, 22);
            stored[name] = generated;
            Save(stored);
            return generated;
        }
    }

    private Dictionary<string, string> Load()
    {
        if (!File.Exists(FilePath))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(FilePath))
            ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private void Save(Dictionary<string, string> values)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(values, new JsonSerializerOptions { WriteIndented = true }));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, FilePath, overwrite: true);
    }
}
