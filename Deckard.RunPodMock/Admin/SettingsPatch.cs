using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;

namespace Deckard.RunPodMock.Admin;

/// <summary>A <c>PUT /admin/settings</c> body applied to the current settings; fields left out keep their value.</summary>
public static class SettingsPatch
{
    private static readonly HashSet<string> Known =
    [
        "gradio_version", "show_error", "queue_max_size", "heartbeat_seconds", "proxy_timeout_seconds", "max_file_size_bytes", "time_scale",
    ];

    public static (MockSettings? Settings, IReadOnlyList<string> Problems) Apply(MockSettings current, JsonObject patch)
    {
        var problems = new List<string>();
        foreach (var (name, _) in patch)
        {
            if (!Known.Contains(name))
            {
                problems.Add($"Unknown setting '{name}'. Known: {string.Join(", ", Known)}.");
            }
        }

        var settings = current;
        try
        {
            if (patch.TryGetPropertyValue("gradio_version", out var version))
            {
                var major = version?.GetValue<int>() ?? 0;
                if (GradioFlavor.IsSupported(major))
                {
                    settings = settings with { Flavor = new GradioFlavor(major) };
                }
                else
                {
                    problems.Add("gradio_version must be 4, 5 or 6.");
                }
            }

            if (patch.TryGetPropertyValue("show_error", out var showError))
            {
                settings = settings with { ShowError = showError?.GetValue<bool>() ?? false };
            }

            if (patch.TryGetPropertyValue("queue_max_size", out var maxSize))
            {
                var size = maxSize?.GetValue<int>();
                if (size is < 0 or > 100_000)
                {
                    problems.Add("queue_max_size must be between 0 and 100000, or null for unlimited.");
                }

                settings = settings with { QueueMaxSize = size };
            }

            if (patch.TryGetPropertyValue("max_file_size_bytes", out var maxFile))
            {
                var bytes = maxFile?.GetValue<long>();
                if (bytes is < 1)
                {
                    problems.Add("max_file_size_bytes must be positive, or null for unlimited.");
                }

                settings = settings with { MaxFileSizeBytes = bytes };
            }

            settings = Seconds(patch, "heartbeat_seconds", 0.01, 3600, problems, settings, (s, value) => s with { HeartbeatInterval = value });
            settings = Seconds(patch, "proxy_timeout_seconds", 0.05, 3600, problems, settings, (s, value) => s with { ProxyTimeout = value });
            if (patch.TryGetPropertyValue("time_scale", out var scale))
            {
                var factor = scale?.GetValue<double>() ?? -1;
                if (factor is >= 0 and <= 1000)
                {
                    settings = settings with { TimeScale = factor };
                }
                else
                {
                    problems.Add("time_scale must be between 0 and 1000.");
                }
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or JsonException)
        {
            problems.Add($"A setting has the wrong type: {exception.Message}");
        }

        return problems.Count == 0 ? (settings, problems) : (null, problems);
    }

    public static JsonObject Describe(MockSettings settings) => new()
    {
        ["gradio_version"] = settings.Flavor.Major,
        ["gradio_release"] = settings.Flavor.Version,
        ["api_prefix"] = settings.Flavor.ApiPrefix,
        ["show_error"] = settings.ShowError,
        ["queue_max_size"] = settings.QueueMaxSize,
        ["heartbeat_seconds"] = settings.HeartbeatInterval.TotalSeconds,
        ["proxy_timeout_seconds"] = settings.ProxyTimeout.TotalSeconds,
        ["max_file_size_bytes"] = settings.MaxFileSizeBytes,
        ["time_scale"] = settings.TimeScale,
    };

    private static MockSettings Seconds(JsonObject patch, string name, double minimum, double maximum, List<string> problems,
        MockSettings settings, Func<MockSettings, TimeSpan, MockSettings> apply)
    {
        if (!patch.TryGetPropertyValue(name, out var node))
        {
            return settings;
        }

        var seconds = node?.GetValue<double>() ?? -1;
        if (seconds < minimum || seconds > maximum)
        {
            problems.Add($"{name} must be between {minimum} and {maximum}.");
            return settings;
        }

        return apply(settings, TimeSpan.FromSeconds(seconds));
    }
}
