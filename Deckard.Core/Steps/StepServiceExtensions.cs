using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Deckard.Core.Steps;

public static class StepServiceExtensions
{
    /// <summary>
    /// Registers every <see cref="IStep"/> of <paramref name="assembly"/> under the name its <see cref="StepAttribute"/>
    /// gives, resolved afresh for every run (its clients live no longer than the run). A new step is a new file.
    /// </summary>
    public static IServiceCollection AddSteps(this IServiceCollection services, Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(type => type is { IsClass: true, IsAbstract: false } && type.IsAssignableTo(typeof(IStep))))
        {
            var name = type.GetCustomAttribute<StepAttribute>()?.Name
                ?? throw new InvalidOperationException($"{type.Name} is a step without a [Step(name)] attribute.");
            services.AddKeyedScoped(typeof(IStep), name, type);
        }

        return services;
    }
}

/// <summary>The name the flow table and the queue know a step by.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StepAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
