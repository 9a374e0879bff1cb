using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Keeps Redis command spans that belong to a trace (a publish, an acknowledgement inside a step) and drops those that
/// start one: a consumer's idle polls and a replica's presence beat would otherwise fill the dashboard with one-span
/// traces. Aspire's Redis instrumentation has no filter of its own; a span marked unrecorded is not exported.
/// </summary>
internal sealed class UntracedRedisCommandFilter : BaseProcessor<Activity>
{
    /// <summary>The activity source of the Redis instrumentation that Aspire.StackExchange.Redis registers.</summary>
    public const string RedisSourceName = "OpenTelemetry.Instrumentation.StackExchangeRedis";

    public override void OnEnd(Activity activity)
    {
        if (activity.Source.Name == RedisSourceName && activity.ParentSpanId == default)
        {
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
