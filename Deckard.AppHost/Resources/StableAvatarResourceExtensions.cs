using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Deckard.AppHost.Resources;

public static class StableAvatarResourceExtensions
{
    public const int StandInPort = 7860;

    /// <summary>The stand-in renders at this fraction of an RTX 4090's time unless <c>RunPodMock:CostModel:TimeScale</c> says otherwise.</summary>
    public const double DefaultStandInTimeScale = 0.1;

    /// <summary>
    /// StableAvatar's Gradio app for the workers, as the connection string <c>Endpoint=...[;AccessToken=...][;CostScale=...]</c>.
    /// With the parameter <c>{name}-url</c> set (a pod's <c>https://{podId}-7860.proxy.runpod.net</c>, and optionally
    /// <c>{name}-token</c>) it is that pod. Without it, the stand-in <c>runpod-mock</c> runs on port 7860 with its
    /// dashboard commands, and <c>CostScale</c> tells the workers' ETA how fast it renders.
    /// </summary>
    public static IResourceBuilder<ConnectionStringResource> AddStableAvatar(this IDistributedApplicationBuilder builder, string name)
    {
        var urlParameter = $"{name}-url";
        var tokenParameter = $"{name}-token";
        if (builder.ExecutionContext.IsPublishMode || !string.IsNullOrWhiteSpace(builder.Configuration[$"Parameters:{urlParameter}"]))
        {
            var url = builder.AddParameter(urlParameter);
            if (builder.ExecutionContext.IsPublishMode || !string.IsNullOrWhiteSpace(builder.Configuration[$"Parameters:{tokenParameter}"]))
            {
                var token = builder.AddParameter(tokenParameter, secret: true);
                return builder.AddConnectionString(name, ReferenceExpression.Create($"Endpoint={url};AccessToken={token}"));
            }

            return builder.AddConnectionString(name, ReferenceExpression.Create($"Endpoint={url}"));
        }

        var timeScale = builder.Configuration.GetValue("RunPodMock:CostModel:TimeScale", DefaultStandInTimeScale)
            .ToString(CultureInfo.InvariantCulture);
        var standIn = builder.AddProject<Projects.Deckard_RunPodMock>("runpod-mock")
            .WithDevelopmentPort(StandInPort)
            .WithEnvironment("RunPodMock__CostModel__TimeScale", timeScale)
            .WithServiceDefaults()
            .WithRunPodStandInCommands();
        return builder.AddConnectionString(name, ReferenceExpression.Create($"Endpoint={standIn.GetEndpoint("http")};CostScale={timeScale}"))
            .WaitFor(standIn);
    }

    /// <summary>The failures of a real pod, one click each (the stand-in's <c>POST /admin/faults</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithRunPodStandInCommands(this IResourceBuilder<ProjectResource> standIn) => standIn
        .WithAdminCommand("runpod-next-join-503", "RunPod: next job answers 503 (queue full)",
            "The next job's submission answers 503 \"Queue is full\"; the client retries it with backoff.",
            "/admin/faults", new { kind = "queue_full", count = 1 })
        .WithAdminCommand("runpod-next-stream-drops", "RunPod: next job's stream drops",
            "The proxy cuts the next job's result stream: the job is lost and submitted again within the budget.",
            "/admin/faults", new { kind = "stream_drop", count = 1 })
        .WithAdminCommand("runpod-next-job-crashes", "RunPod: next job crashes (CUDA out of memory)",
            "The next job raises an exception in the app: the session fails with a readable reason.",
            "/admin/faults", new { kind = "run_crash", count = 1 })
        .WithAdminCommand("runpod-pod-boots", "RunPod: pod boots for 10 s (502)",
            "The proxy answers 502 for 10 s, as while a pod loads its models; calls are retried until it is up.",
            "/admin/faults", new { kind = "pod_booting", seconds = 10 })
        .WithAdminCommand("runpod-reset", "RunPod: reset",
            "Clear armed faults, the queue, the request journal and settings.",
            "/admin/reset", iconName: "ArrowReset");
}
