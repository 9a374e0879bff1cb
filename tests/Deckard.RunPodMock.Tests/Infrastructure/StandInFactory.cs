using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Deckard.RunPodMock.Tests.Infrastructure;

/// <summary>
/// The stand-in's host with test settings. Settings go in through <see cref="ConfigureWebHost"/> rather than
/// <c>WithWebHostBuilder</c>: a derived factory hands host creation back to its parent, which never saw
/// <c>UseKestrel(0)</c> and would bind the default port 5000.
/// </summary>
public sealed class StandInFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
