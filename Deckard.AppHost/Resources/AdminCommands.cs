using System.Net.Http.Json;

namespace Deckard.AppHost.Resources;

/// <summary>Dashboard commands that call a stand-in's admin API: one click instead of a script.</summary>
public static class AdminCommands
{
    /// <summary>A command that sends <paramref name="body"/> as JSON to <paramref name="path"/> on the resource's http endpoint.</summary>
    public static IResourceBuilder<ProjectResource> WithAdminCommand(
        this IResourceBuilder<ProjectResource> builder,
        string name,
        string displayName,
        string description,
        string path,
        object? body = null,
        HttpMethod? method = null,
        string iconName = "Flash") =>
        builder.WithHttpCommand(path, displayName, endpointName: "http", commandName: name, commandOptions: new HttpCommandOptions
        {
            Method = method ?? HttpMethod.Post,
            Description = description,
            IconName = iconName,
            PrepareRequest = context =>
            {
                if (body is not null)
                {
                    context.Request.Content = JsonContent.Create(body);
                }

                return Task.CompletedTask;
            },
        });
}
