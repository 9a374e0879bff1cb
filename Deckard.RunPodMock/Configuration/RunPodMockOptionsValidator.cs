using Deckard.RunPodMock.Faults;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.Configuration;

/// <summary>Rejects settings the stand-in cannot honour, at start-up rather than on the first call.</summary>
internal sealed class RunPodMockOptionsValidator : IValidateOptions<RunPodMockOptions>
{
    public ValidateOptionsResult Validate(string? name, RunPodMockOptions options)
    {
        var failures = new List<string>();
        const string Section = RunPodMockOptions.SectionName;

        if (!GradioFlavor.IsSupported(options.GradioVersion))
        {
            failures.Add($"{Section}:GradioVersion must be 4, 5 or 6.");
        }

        if (options.QueueMaxSize is < 1 or > 100_000)
        {
            failures.Add($"{Section}:QueueMaxSize must be between 1 and 100000, or empty for unlimited.");
        }

        if (!InRange(options.HeartbeatSeconds, 0.01, 3600))
        {
            failures.Add($"{Section}:HeartbeatSeconds must be between 0.01 and 3600.");
        }

        if (!InRange(options.ProxyTimeoutSeconds, 0.05, 3600))
        {
            failures.Add($"{Section}:ProxyTimeoutSeconds must be between 0.05 and 3600.");
        }

        if (!InRange(options.StartupDelaySeconds, 0, 3600))
        {
            failures.Add($"{Section}:StartupDelaySeconds must be between 0 and 3600.");
        }

        if (options.MaxFileSizeBytes is < 1)
        {
            failures.Add($"{Section}:MaxFileSizeBytes must be positive, or empty for unlimited.");
        }

        if (options.TempDirectory is { Length: > 0 } temp && !Path.IsPathFullyQualified(temp))
        {
            failures.Add($"{Section}:TempDirectory must be an absolute path.");
        }

        if (options.JournalCapacity is < 1 or > 100_000)
        {
            failures.Add($"{Section}:JournalCapacity must be between 1 and 100000.");
        }

        if (options.AdminKey is { Length: > 0 } adminKey && adminKey.Any(char.IsWhiteSpace))
        {
            failures.Add($"{Section}:AdminKey must not contain spaces.");
        }

        if (!InRange(options.CostModel.TimeScale, 0, 1000))
        {
            failures.Add($"{Section}:CostModel:TimeScale must be between 0 and 1000.");
        }

        if (!InRange(options.CostModel.SetupSeconds, 0, 3600) || !InRange(options.CostModel.SecondsPerStepWindow, 0, 3600))
        {
            failures.Add($"{Section}:CostModel:SetupSeconds and SecondsPerStepWindow must be between 0 and 3600.");
        }

        if (string.IsNullOrWhiteSpace(options.Media.FfmpegPath) || string.IsNullOrWhiteSpace(options.Media.FfprobePath))
        {
            failures.Add($"{Section}:Media:FfmpegPath and FfprobePath must name executables.");
        }

        if (string.IsNullOrWhiteSpace(options.Media.X264Preset) || !options.Media.X264Preset.All(char.IsAsciiLetterLower))
        {
            failures.Add($"{Section}:Media:X264Preset must be a libx264 preset name such as ultrafast.");
        }

        if (!InRange(options.Media.MaxAudioSeconds, 1, 86_400))
        {
            failures.Add($"{Section}:Media:MaxAudioSeconds must be between 1 and 86400.");
        }

        for (var index = 0; index < options.Faults.Count; index++)
        {
            var problems = FaultSpec.TryCreate(options.Faults[index], out var spec);
            foreach (var problem in problems)
            {
                failures.Add($"{Section}:Faults:{index}: {problem}");
            }

            if (spec?.Kind is FaultKind.ServerRestart or FaultKind.PodBooting)
            {
                failures.Add($"{Section}:Faults:{index}: {spec.Kind.ToName()} is not a configured fault (use StartupDelaySeconds for a boot; a restart is an admin action).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool InRange(double value, double minimum, double maximum) =>
        !double.IsNaN(value) && value >= minimum && value <= maximum;
}
