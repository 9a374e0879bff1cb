using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Deckard.OpenAIMock.Tests.Infrastructure;

/// <summary>
/// The stand-in's host with test settings. A subclass rather than <c>WithWebHostBuilder</c>: the derived factory that
/// method returns, once switched to Kestrel, also left a listener on the default port 5000.
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
