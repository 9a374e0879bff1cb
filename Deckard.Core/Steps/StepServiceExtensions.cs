using Microsoft.Extensions.DependencyInjection;

namespace Deckard.Core.Steps;

public static class StepServiceExtensions
{
    /// <summary>Registers a step under its name, resolved afresh for every run (its clients live no longer than the run).</summary>
    public static IServiceCollection AddStep<TStep>(this IServiceCollection services, string name)
        where TStep : class, IStep =>
        services.AddKeyedScoped<IStep, TStep>(name);
}
