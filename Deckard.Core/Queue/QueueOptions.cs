using System.ComponentModel.DataAnnotations;

namespace Deckard.Core.Queue;

/// <summary>The Redis Streams queue and its retry policy (configuration section <c>Queue</c>).</summary>
public sealed class QueueOptions
{
    public const string SectionName = "Queue";

    [Required]
    public string StreamName { get; set; } = "deckard:steps";

    [Required]
    public string DeadLetterStreamName { get; set; } = "deckard:steps:dead";

    [Required]
    public string ConsumerGroup { get; set; } = "workers";

    /// <summary>Published after every batch the relay adds, so idle consumers read at once instead of at their next poll.</summary>
    [Required]
    public string WakeChannel { get; set; } = "deckard:steps:wake";

    /// <summary>Approximate cap on the stream's length (<c>XADD MAXLEN ~</c>); acknowledged entries beyond it are trimmed.</summary>
    [Range(100, 10_000_000)]
    public int MaxStreamLength { get; set; } = 100_000;

    /// <summary>A message unacknowledged this long belongs to a consumer presumed dead and is reclaimed (<c>XAUTOCLAIM</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a step runs before its session fails.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the relay looks for due outbox rows (a retry came due, or a row's writer could not publish it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RelaySweepInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long relays leave a just-written outbox row to the process that wrote it (which publishes it at once and
    /// marks it sent in a batch moments later). Only a row still unsent after this is a relay's: its writer died, or
    /// Redis was away. Longer than any delay of the batched marks, so a relay never publishes a row twice.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan PublishGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an idle consumer reads even without a wake-up (a lost pub/sub message).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Steps one Workers replica runs at once.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>How often a Workers replica reads the streams' length and pending counts for the metrics.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(5);
}
