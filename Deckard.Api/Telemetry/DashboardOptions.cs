namespace Deckard.Api.Telemetry;

/// <summary>Configuration section <c>Dashboard</c>: where the Aspire dashboard is (the AppHost sets it when one runs).</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>The dashboard's address, e.g. <c>http://localhost:18888</c>; unset, sessions carry no trace link.</summary>
    public Uri? Url { get; set; }
}
