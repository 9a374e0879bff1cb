using System.Globalization;
using Deckard.RunPodMock.Configuration;

namespace Deckard.RunPodMock.Faults;

/// <summary>A checked request to inject one failure, from configuration or from <c>POST /admin/faults</c>.</summary>
public sealed record FaultSpec(FaultKind Kind, int? Count, string? Message, double? Seconds, long? AfterBytes, string? Match)
{
    public const string DefaultCrashMessage =
        "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 62.00 GiB. GPU 0 has a total capacity of 23.64 GiB of which 1.21 GiB is free.";

    public const string DefaultErrorMessage = "Generation failed, please try again.";

    /// <summary>Checks the fields for the kind; returns the problems, or none and the spec.</summary>
    public static IReadOnlyList<string> TryCreate(FaultOptions options, out FaultSpec? spec)
    {
        spec = null;
        var problems = new List<string>();
        if (!FaultKindNames.TryParse(options.Kind, out var kind))
        {
            problems.Add($"Unknown fault kind '{options.Kind}'. Known: {string.Join(", ", FaultKindNames.All)}.");
            return problems;
        }

        if (options.Count is < 1 or > 1_000_000)
        {
            problems.Add("count must be between 1 and 1000000, or left out for 'until cleared'.");
        }

        if (kind == FaultKind.PodBooting)
        {
            if (options.Seconds is not (> 0 and <= 3600))
            {
                problems.Add("pod_booting needs seconds between 0 and 3600.");
            }

            if (options.Count is not null)
            {
                problems.Add("pod_booting lasts 'seconds'; it takes no count.");
            }
        }
        else if (options.Seconds is not null && kind != FaultKind.ServerRestart)
        {
            problems.Add($"{kind.ToName()} takes no seconds (only pod_booting and server_restart do).");
        }

        if (kind == FaultKind.ServerRestart && options.Seconds is < 0 or > 3600)
        {
            problems.Add("server_restart seconds (the boot that follows) must be between 0 and 3600.");
        }

        if (kind == FaultKind.ServerRestart && options.Count is not null)
        {
            problems.Add("server_restart happens once, when armed; it takes no count.");
        }

        if (kind == FaultKind.DownloadTruncated && options.AfterBytes is not >= 0)
        {
            problems.Add("download_truncated needs after_bytes (0 or more).");
        }
        else if (kind != FaultKind.DownloadTruncated && options.AfterBytes is not null)
        {
            problems.Add($"{kind.ToName()} takes no after_bytes.");
        }

        if (options.Match is not null && kind is not (FaultKind.ProxyTimeout or FaultKind.DownloadTruncated))
        {
            problems.Add($"{kind.ToName()} takes no match (only proxy_timeout and download_truncated do).");
        }

        if (options.Message is not null && kind is not (FaultKind.RunCrash or FaultKind.RunError))
        {
            problems.Add($"{kind.ToName()} takes no message (only run_crash and run_error do).");
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        var message = kind switch
        {
            FaultKind.RunCrash => string.IsNullOrWhiteSpace(options.Message) ? DefaultCrashMessage : options.Message,
            FaultKind.RunError => string.IsNullOrWhiteSpace(options.Message) ? DefaultErrorMessage : options.Message,
            _ => null,
        };
        spec = new FaultSpec(kind, options.Count, message, options.Seconds, options.AfterBytes, options.Match);
        return problems;
    }

    public string Describe() => Kind.ToName() + (Count is { } count ? " x" + count.ToString(CultureInfo.InvariantCulture) : "");
}
