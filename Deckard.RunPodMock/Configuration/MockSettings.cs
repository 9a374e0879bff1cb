using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.Configuration;

/// <summary>The settings a test may change at run time through <c>PUT /admin/settings</c>; <c>/admin/reset</c> restores the configured ones.</summary>
public sealed record MockSettings(
    GradioFlavor Flavor,
    bool ShowError,
    int? QueueMaxSize,
    TimeSpan HeartbeatInterval,
    TimeSpan ProxyTimeout,
    long? MaxFileSizeBytes,
    double TimeScale)
{
    public static MockSettings From(RunPodMockOptions options) => new(
        new GradioFlavor(options.GradioVersion),
        options.ShowError,
        options.QueueMaxSize,
        TimeSpan.FromSeconds(options.HeartbeatSeconds),
        TimeSpan.FromSeconds(options.ProxyTimeoutSeconds),
        options.MaxFileSizeBytes,
        options.CostModel.TimeScale);
}

/// <summary>Holds the current <see cref="MockSettings"/>; readers take a consistent snapshot.</summary>
public sealed class LiveSettings(IOptions<RunPodMockOptions> options)
{
    private MockSettings _current = MockSettings.From(options.Value);

    public MockSettings Current => Volatile.Read(ref _current);

    public void Replace(MockSettings settings) => Volatile.Write(ref _current, settings);

    public void Reset() => Replace(MockSettings.From(options.Value));
}
