using System.Reflection;
using System.Text.RegularExpressions;
using Deckard.Api;
using Deckard.Core;
using Deckard.Core.StableAvatar;
using Deckard.OpenAIMock.Configuration;
using Deckard.RunPodMock.Configuration;
using Deckard.Workers;
using Microsoft.Extensions.Hosting;

namespace Deckard.UnitTests.Deployment;

/// <summary>
/// docs/configuration.md lists every setting the services read, and says for each what render.yaml does with it:
/// <c>blueprint</c> (render.yaml sets it as <c>Section__Key</c>), <c>optional</c> (left out; the default serves) or
/// <c>not deployed</c> (a stand-in's). The settings come from the options classes themselves, by reflection.
/// </summary>
public sealed class ConfigurationReferenceTests
{
    private const string Blueprint = "blueprint";
    private const string Optional = "optional";
    private const string NotDeployed = "not deployed";

    /// <summary>Each assembly with options classes, and the service that reads them (null: shared by Api and Workers).</summary>
    private static readonly (Assembly Assembly, string? Service)[] ServiceAssemblies =
    [
        (typeof(CoreServiceExtensions).Assembly, null),
        (typeof(HealthCheckExtensions).Assembly, null),
        (typeof(ApiServiceExtensions).Assembly, "Api"),
        (typeof(WorkersServiceExtensions).Assembly, "Workers"),
        (typeof(OpenAIMockOptions).Assembly, "OpenAIMock"),
        (typeof(RunPodMockOptions).Assembly, "RunPodMock"),
    ];

    private static readonly string[] StandInSections = ["OpenAIMock", "RunPodMock"];

    private static readonly string[] SourceFolders = ["Deckard.Api", "Deckard.Core", "Deckard.Workers", "Deckard.ServiceDefaults", "Deckard.OpenAIMock", "Deckard.RunPodMock"];

    private readonly IReadOnlyDictionary<string, DocumentedSetting> _reference = DocumentedSetting.Load();
    private readonly RenderBlueprint _blueprint = RenderBlueprint.Load();

    [Fact]
    public void There_are_options_classes_to_check()
    {
        var sections = OptionsClasses().Select(options => options.Section).ToList();

        Assert.Contains("Queue", sections);
        Assert.Contains("Auth", sections);
        Assert.Contains("Workers:Presence", sections);
        Assert.Contains("RunPodMock", sections);
        Assert.Contains("Quotas:Principals:{}:DailyTokens", OptionsClasses().SelectMany(options => options.Keys));
        Assert.Contains("RunPodMock:Faults:{}:Kind", OptionsClasses().SelectMany(options => options.Keys));
        Assert.DoesNotContain("Auth:Jwt:Enabled", OptionsClasses().SelectMany(options => options.Keys));
    }

    [Fact]
    public void Every_setting_of_every_options_class_is_in_the_reference()
    {
        var missing = OptionsClasses().SelectMany(options => options.Keys).Where(key => !_reference.ContainsKey(key)).ToList();

        Assert.True(missing.Count == 0, "docs/configuration.md does not list: " + string.Join(", ", missing));
    }

    [Fact]
    public void Each_setting_names_the_service_that_reads_it()
    {
        foreach (var options in OptionsClasses())
        {
            foreach (var key in options.Keys.Where(_reference.ContainsKey))
            {
                var readBy = _reference[key].ReadBy;
                Assert.True(options.Service is null
                        ? readBy.Contains("Api", StringComparison.Ordinal) || readBy.Contains("Workers", StringComparison.Ordinal)
                        : readBy.Contains(options.Service, StringComparison.Ordinal),
                    $"{key} is read by {options.Service ?? "Api or Workers"}, but the reference says '{readBy}'.");
            }
        }
    }

    [Fact]
    public void Settings_read_outside_options_classes_are_in_the_reference()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal)
        {
            $"ConnectionStrings:{CoreServiceExtensions.DatabaseConnectionName}",
            $"ConnectionStrings:{CoreServiceExtensions.RedisConnectionName}",
            $"ConnectionStrings:{StableAvatarServiceExtensions.ConnectionName}",
        };
        string[] patterns =
        [
            @"(?<![A-Za-z])GetValue(?:<[^>]+>)?\(\s*""(?<key>[^""]+)""",
            @"[Cc]onfiguration\[\s*""(?<key>[^""]+)""\s*\]",
            @"GetConnectionString\(\s*""(?<name>[^""]+)""\s*\)",
        ];
        foreach (var source in SourceFolders.SelectMany(Repository.Sources))
        {
            var text = File.ReadAllText(source);
            foreach (var pattern in patterns)
            {
                foreach (Match match in Regex.Matches(text, pattern))
                {
                    keys.Add(match.Groups["key"].Success ? match.Groups["key"].Value : $"ConnectionStrings:{match.Groups["name"].Value}");
                }
            }
        }

        Assert.Contains("Database:MaxPoolSize", keys);
        var missing = keys.Where(key => !_reference.ContainsKey(key)).ToList();
        Assert.True(missing.Count == 0, "docs/configuration.md does not list: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_setting_is_set_by_the_blueprint_or_marked_optional_or_not_deployed()
    {
        var variables = _blueprint.AllVariableNames();
        foreach (var (key, setting) in _reference)
        {
            var standIn = StandInSections.Any(section => key.StartsWith(section + ":", StringComparison.Ordinal));
            switch (setting.Render)
            {
                case Blueprint:
                    Assert.True(variables.Contains(EnvironmentVariable(key)), $"{key} is marked '{Blueprint}', but render.yaml does not set {EnvironmentVariable(key)}.");
                    break;
                case Optional:
                    Assert.False(!key.Contains('{', StringComparison.Ordinal) && variables.Contains(EnvironmentVariable(key)),
                        $"{key} is marked '{Optional}', but render.yaml sets {EnvironmentVariable(key)}: mark it '{Blueprint}'.");
                    break;
                case NotDeployed:
                    Assert.True(standIn, $"{key} is marked '{NotDeployed}', which only a stand-in's setting may be.");
                    break;
                default:
                    Assert.Fail($"{key}: the Render column says '{setting.Render}', not {Blueprint}, {Optional} or {NotDeployed}.");
                    break;
            }

            Assert.True(!standIn || setting.Render == NotDeployed, $"{key} belongs to a stand-in, which is not deployed to Render.");
        }
    }

    [Fact]
    public void Every_variable_the_blueprint_sets_is_documented_as_set_by_it()
    {
        foreach (var variable in _blueprint.AllVariableNames())
        {
            var key = variable.Replace("__", ":", StringComparison.Ordinal);
            Assert.True(_reference.TryGetValue(key, out var setting), $"render.yaml sets {variable}, which docs/configuration.md does not list as {key}.");
            Assert.Equal(Blueprint, setting.Render);
        }
    }

    [Fact]
    public void Keys_tokens_passwords_and_connection_strings_are_marked_secret()
    {
        foreach (var (key, setting) in _reference)
        {
            var name = key.Split(':')[^1];
            if (key.StartsWith("ConnectionStrings:", StringComparison.Ordinal) || Regex.IsMatch(name, "(Key|Token|Password|Secret|_KEY)$"))
            {
                Assert.True(setting.Secret == "yes", $"{key} holds a secret; the reference says secret '{setting.Secret}'.");
            }
        }
    }

    private static string EnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static IEnumerable<(string Section, string? Service, IReadOnlyList<string> Keys)> OptionsClasses() =>
        from entry in ServiceAssemblies
        from type in entry.Assembly.GetTypes()
        let field = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)
        where field is { IsLiteral: true } && field.FieldType == typeof(string)
        let section = (string)field.GetRawConstantValue()!
        select (section, entry.Service, (IReadOnlyList<string>)[.. SettingKeys.Of(section, type)]);
}

/// <summary>The configuration keys the binder fills for an options class: <c>{}</c> stands for a dictionary key or list index.</summary>
internal static class SettingKeys
{
    public static IEnumerable<string> Of(string prefix, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The binder sets public setters, and fills a get-only object or collection in place; get-only values are computed.
            var bound = property.GetIndexParameters().Length == 0 && property.GetMethod is { IsPublic: true }
                && (property.SetMethod is { IsPublic: true } || !IsScalar(property.PropertyType));
            if (bound)
            {
                foreach (var key in KeysOf($"{prefix}:{property.Name}", property.PropertyType))
                {
                    yield return key;
                }
            }
        }
    }

    private static IEnumerable<string> KeysOf(string key, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return [key];
        }

        if (GenericArguments(type, typeof(IDictionary<,>)) is [_, var value])
        {
            return KeysOf(key + ":{}", value);
        }

        var element = type.IsArray ? type.GetElementType() : GenericArguments(type, typeof(IEnumerable<>))?[0];
        return element is null ? Of(key, type) : IsScalar(element) ? [key] : Of(key + ":{}", element);
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(Uri) || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Guid);
    }

    private static Type[]? GenericArguments(Type type, Type definition) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == definition ? type : null)?.GetGenericArguments()
        ?? type.GetInterfaces().FirstOrDefault(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == definition)?.GetGenericArguments();
}

/// <summary>A row of docs/configuration.md: <c>| `key` | default | secret | read by | Render | what |</c>.</summary>
internal sealed record DocumentedSetting(string Key, string Default, string Secret, string ReadBy, string Render)
{
    /// <summary>The rows by key, with any <c>{name}</c> placeholder written <c>{}</c>.</summary>
    public static IReadOnlyDictionary<string, DocumentedSetting> Load()
    {
        var settings = new Dictionary<string, DocumentedSetting>(StringComparer.Ordinal);
        foreach (var line in Repository.Read("docs/configuration.md").Split('\n').Select(line => line.Trim()))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split('|').Select(cell => cell.Trim()).ToArray();
            Assert.True(cells.Length >= 8, $"A setting's row has six columns: {line}");
            var key = Regex.Replace(cells[1].Trim('`'), @"\{[^}]*\}", "{}");
            Assert.True(settings.TryAdd(key, new DocumentedSetting(key, cells[2], cells[3], cells[4], cells[5])), $"{key} is listed twice.");
        }

        return settings;
    }
}
