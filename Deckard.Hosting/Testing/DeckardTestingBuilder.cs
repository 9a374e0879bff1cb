using System.Reflection;

namespace Deckard.Hosting.Testing;

/// <summary>
/// The testing entry point, in the spirit of Aspire.Hosting.Testing: runs an AppHost's unchanged <c>Program</c> with
/// a fresh state folder, random free ports and no console output, and hands back the built application.
/// </summary>
public static class DeckardTestingBuilder
{
    /// <summary>Builds the application <typeparamref name="TEntryPoint"/>'s <c>Main</c> declares, without starting it.</summary>
    public static async Task<DeckardApplication> BuildAsync<TEntryPoint>(DeckardTestingOptions? options = null, CancellationToken cancellationToken = default)
        where TEntryPoint : class
    {
        options ??= new DeckardTestingOptions();
        var assembly = typeof(TEntryPoint).Assembly;
        var entryPoint = assembly.EntryPoint
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no entry point; pass the AppHost's Program type.");

        var stateDirectory = Path.Combine(Path.GetTempPath(), $"deckard-test-{Guid.NewGuid():N}"[..26]);
        Directory.CreateDirectory(stateDirectory);
        var configuration = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["AppHost:StateDirectory"] = stateDirectory,
            ["AppHost:RandomizePorts"] = "true",
            ["AppHost:PrintResourceLogs"] = "false",
            ["AppHost:PrintSummary"] = "false",
            ["AppHost:DeleteStateOnDispose"] = "true",
        };
        foreach (var (key, value) in options.Configuration)
        {
            configuration[key] = value;
        }

        var interception = new TestingInterception
        {
            AppHostAssembly = assembly,
            Configuration = configuration,
            LogSink = options.LogSink,
        };
        await using (await TestingInterception.InstallAsync(interception, cancellationToken))
        {
            var main = Task.Factory.StartNew(
                () => InvokeEntryPoint(entryPoint, options.Args),
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            var finished = await Task.WhenAny(interception.Built.Task, main).WaitAsync(options.BuildTimeout, cancellationToken);
            if (finished == main && !interception.Built.Task.IsCompleted)
            {
                await main;
                throw new InvalidOperationException($"{assembly.GetName().Name}'s entry point returned without building an application.");
            }

            var application = await interception.Built.Task;
            await main;
            return application;
        }
    }

    /// <summary>Builds and starts the application, then waits until every resource is healthy.</summary>
    public static async Task<DeckardApplication> StartAsync<TEntryPoint>(
        DeckardTestingOptions? options = null, TimeSpan? healthyTimeout = null, CancellationToken cancellationToken = default)
        where TEntryPoint : class
    {
        var application = await BuildAsync<TEntryPoint>(options, cancellationToken);
        try
        {
            await application.StartAsync(cancellationToken);
            await application.WaitForAllHealthyAsync(cancellationToken).WaitAsync(healthyTimeout ?? TimeSpan.FromMinutes(2), cancellationToken);
            return application;
        }
        catch
        {
            await application.DisposeAsync();
            throw;
        }
    }

    private static void InvokeEntryPoint(MethodInfo entryPoint, string[] args)
    {
        var parameters = entryPoint.GetParameters().Length == 0 ? null : new object[] { args };
        try
        {
            var result = entryPoint.Invoke(null, parameters);
            if (result is Task task)
            {
                task.GetAwaiter().GetResult();
            }
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
        }
    }
}
