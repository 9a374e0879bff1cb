using System.ComponentModel.DataAnnotations;

namespace Deckard.Core.StableAvatar;

/// <summary>Where StableAvatar's Gradio app is and how to call it (configuration section <c>StableAvatar</c>).</summary>
public sealed class StableAvatarOptions : IValidatableObject
{
    public const string SectionName = "StableAvatar";

    /// <summary>The app's root: RunPod's proxy URL (<c>https://{pod}-7860.proxy.runpod.net</c>) or the local mock.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("http://localhost:7860");

    /// <summary>
    /// More pods running the same app (<c>StableAvatar:AdditionalUrls:0</c>, ...). A pod renders one job at a time, so
    /// renders at once need pods: each render goes to the pod with the shortest queue, and a pod whose circuit is open
    /// (or that cannot be reached before its job is submitted) is passed over for the next.
    /// </summary>
    public List<Uri> AdditionalUrls { get; set; } = [];

    /// <summary>Every pod, <see cref="BaseUrl"/> first, each once.</summary>
    public IReadOnlyList<Uri> PodUrls() => [.. AdditionalUrls.Prepend(BaseUrl).Distinct()];

    /// <summary>
    /// Sent as <c>Authorization: Bearer</c> with every request, for a pod behind an authenticating proxy. RunPod's own
    /// proxy needs none; keep it out of files (set <c>StableAvatar__AccessToken</c> in the environment).
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>The Gradio endpoint; StableAvatar's is <c>/generate</c>.</summary>
    [Required]
    public string ApiName { get; set; } = "/generate";

    /// <summary>
    /// Values for <c>/generate</c> by <c>parameter_name</c> (e.g. <c>num_inference_steps</c>, <c>width</c>, <c>seed_param</c>);
    /// anything not set takes the app's own default from <c>/info</c>.
    /// </summary>
    public Dictionary<string, string> Parameters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>No byte on the result stream for this long means the connection is dead (heartbeats come every 15 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times one render may be submitted (a dropped stream loses the job, so it is submitted again).</summary>
    [Range(1, 10)]
    public int SubmissionBudget { get; set; } = 3;

    /// <summary>Retries of calls that are safe to repeat (502/503/connection refused before the call was accepted).</summary>
    [Range(0, 20)]
    public int SafeRetries { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Consecutive failed renders after which the circuit opens and renders fail at once.</summary>
    [Range(1, 100)]
    public int CircuitBreakerFailures { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitBreakerOpenFor { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The side of the square portrait sent to StableAvatar (it was trained on 512×512).</summary>
    [Range(256, 2048)]
    public int PortraitSize { get; set; } = 512;

    /// <summary>Speech shorter than this is refused; between this and one generation window it is padded with silence.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan MinimumSpeech { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest speech rendered: render time grows with it, minutes of GPU time per minute of speech.</summary>
    [Range(typeof(TimeSpan), "00:00:04", "00:30:00")]
    public TimeSpan MaximumSpeech { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The cost model behind the ETA in <c>lipsync.progress</c>.</summary>
    public RenderCostOptions Cost { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var url in PodUrls().Where(url => !url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult($"The StableAvatar pod address '{url}' is not an absolute http or https URL.", [nameof(AdditionalUrls)]);
        }
    }

    /// <summary>
    /// Takes what the connection string names (<c>Endpoint</c>, <c>AccessToken</c>, <c>CostScale</c>) over the section's
    /// values: the AppHost describes the pod, or its stand-in, that way.
    /// </summary>
    public void ApplyConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

        var parts = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        // Several pods are one Endpoint of comma-separated URLs (an AppHost parameter holds one string).
        if (parts.TryGetValue("Endpoint", out var endpoint) && endpoint is string urls
            && urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var first, .. var more])
        {
            BaseUrl = new Uri(first);
            AdditionalUrls = [.. more.Select(url => new Uri(url))];
        }

        if (parts.TryGetValue("AccessToken", out var token) && token is string value && value.Length > 0)
        {
            AccessToken = value;
        }

        if (parts.TryGetValue("CostScale", out var scale) && scale is string text
            && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var factor))
        {
            Cost.Scale = factor;
        }
    }
}

/// <summary>
/// StableAvatar's render time at 512×512 on an RTX 4090: a fixed setup plus a cost per sampling step and window.
/// <see cref="Scale"/> multiplies it, for slower GPUs or for the local stand-in (set it to the stand-in's time scale).
/// </summary>
public sealed class RenderCostOptions
{
    [Range(0, 600)]
    public double SetupSeconds { get; set; } = 5;

    [Range(0, 600)]
    public double SecondsPerStepWindow { get; set; } = 1.4;

    [Range(0, 100)]
    public double Scale { get; set; } = 1;
}
