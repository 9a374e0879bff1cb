using Deckard.Hosting.ApplicationModel;

namespace Deckard.Hosting.Orchestration;

/// <summary>Start order from the wait-for relations: dependencies first, declaration order otherwise; stop is the reverse.</summary>
public static class ResourceGraph
{
    /// <summary>A topological order of <paramref name="resources"/>; a wait-for cycle or an undeclared dependency is an error naming it.</summary>
    public static IReadOnlyList<Resource> StartOrder(IReadOnlyList<Resource> resources)
    {
        var declared = resources.ToHashSet();
        foreach (var resource in resources)
        {
            var undeclared = resource.WaitsFor.FirstOrDefault(dependency => !declared.Contains(dependency));
            if (undeclared is not null)
            {
                throw new DeckardHostingException(
                    $"Resource '{resource.Name}' waits for '{undeclared.Name}', which is not declared in this application.");
            }
        }

        var order = new List<Resource>(resources.Count);
        var done = new HashSet<Resource>();
        var visiting = new List<Resource>();
        foreach (var resource in resources)
        {
            Visit(resource, order, done, visiting);
        }

        return order;
    }

    public static IReadOnlyList<Resource> StopOrder(IReadOnlyList<Resource> resources) =>
        StartOrder(resources).Reverse().ToList();

    private static void Visit(Resource resource, List<Resource> order, HashSet<Resource> done, List<Resource> visiting)
    {
        if (done.Contains(resource))
        {
            return;
        }

        if (visiting.Contains(resource))
        {
            var cycle = visiting.SkipWhile(r => r != resource).Append(resource).Select(r => r.Name);
            throw new DeckardHostingException($"Wait-for cycle: {string.Join(" -> ", cycle)}. No resource in a cycle could ever start.");
        }

        visiting.Add(resource);
        foreach (var dependency in resource.WaitsFor)
        {
            Visit(dependency, order, done, visiting);
        }

        visiting.RemoveAt(visiting.Count - 1);
        done.Add(resource);
        order.Add(resource);
    }
}
