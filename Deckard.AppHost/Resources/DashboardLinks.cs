using Microsoft.Extensions.DependencyInjection;

namespace Deckard.AppHost.Resources;

/// <summary>The dashboard link the api puts on a session.</summary>
public static class DashboardLinks
{
    private const string DashboardResourceName = "aspire-dashboard";

    /// <summary>
    /// Gives the project the dashboard's address as <c>Dashboard:Url</c> (when a dashboard runs), so in Development
    /// the api can link a session to its trace page.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDashboardUrl(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithEnvironment(context =>
        {
            if (context.ExecutionContext.IsPublishMode)
            {
                return;
            }

            // The dashboard's own endpoint, not its configured URL: tests and randomized ports move it.
            var model = context.ExecutionContext.Services.GetRequiredService<DistributedApplicationModel>();
            if (model.Resources.OfType<IResourceWithEndpoints>().FirstOrDefault(resource => resource.Name == DashboardResourceName) is { } dashboard
                && dashboard.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(endpoint => endpoint.UriScheme is "http" or "https") is { } browser)
            {
                context.EnvironmentVariables["Dashboard__Url"] = dashboard.GetEndpoint(browser.Name);
            }
        });
}
