using Microsoft.Extensions.Options;

namespace Deckard.Api.Telemetry;

/// <summary>
/// A session's trace page on the Aspire dashboard (<c>/traces/detail/{traceId}</c>). Only in Development, where the
/// dashboard is the developer's own: elsewhere the trace id alone is returned, for whatever backend holds the traces.
/// </summary>
public sealed class TraceLinks(IOptions<DashboardOptions> options, IHostEnvironment environment)
{
    public string? For(string? traceId) =>
        traceId is not null && environment.IsDevelopment() && options.Value.Url is { } dashboard
            ? new Uri(dashboard, $"traces/detail/{traceId}").ToString()
            : null;
}
