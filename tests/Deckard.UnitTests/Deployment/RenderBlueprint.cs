namespace Deckard.UnitTests.Deployment;

/// <summary><c>render.yaml</c>, read: its services, databases, environment groups and the variables each sets.</summary>
internal sealed class RenderBlueprint
{
    private readonly IReadOnlyDictionary<string, object?> _root;

    private RenderBlueprint(IReadOnlyDictionary<string, object?> root) => _root = root;

    public static RenderBlueprint Load() => new(Yaml.Map(Yaml.Parse(Repository.Read("render.yaml"))));

    public IEnumerable<IReadOnlyDictionary<string, object?>> Services => Yaml.List(_root.GetValueOrDefault("services")).Select(Yaml.Map);

    public IEnumerable<IReadOnlyDictionary<string, object?>> Databases => Yaml.List(_root.GetValueOrDefault("databases")).Select(Yaml.Map);

    public IEnumerable<IReadOnlyDictionary<string, object?>> EnvironmentGroups => Yaml.List(_root.GetValueOrDefault("envVarGroups")).Select(Yaml.Map);

    public IReadOnlyDictionary<string, object?> Service(string name) =>
        Services.SingleOrDefault(service => Text(service, "name") == name) ?? throw new InvalidOperationException($"render.yaml has no service '{name}'.");

    /// <summary>A service's or group's <c>envVars</c> entries that name a key (not <c>fromGroup</c>).</summary>
    public static IEnumerable<IReadOnlyDictionary<string, object?>> Variables(IReadOnlyDictionary<string, object?> owner) =>
        Yaml.List(owner.GetValueOrDefault("envVars")).Select(Yaml.Map).Where(variable => variable.ContainsKey("key"));

    public static IReadOnlyDictionary<string, object?> Variable(IReadOnlyDictionary<string, object?> owner, string key) =>
        Variables(owner).SingleOrDefault(variable => Text(variable, "key") == key)
        ?? throw new InvalidOperationException($"'{Text(owner, "name")}' sets no {key}.");

    /// <summary>Every variable name the Blueprint gives any service: its own, and its environment groups'.</summary>
    public IReadOnlySet<string> AllVariableNames() =>
        Services.Concat(EnvironmentGroups).SelectMany(Variables).Select(variable => Text(variable, "key")!).ToHashSet(StringComparer.Ordinal);

    public static string? Text(IReadOnlyDictionary<string, object?> node, string key) => node.GetValueOrDefault(key) as string;
}
