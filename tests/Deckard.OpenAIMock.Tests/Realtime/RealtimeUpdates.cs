using OpenAI.Realtime;

namespace Deckard.OpenAIMock.Tests.Realtime;

/// <summary>
/// The single receive loop of a realtime session (the SDK shares one), read update by update with a deadline,
/// keeping everything seen so a test can check order and content afterwards.
/// </summary>
public sealed class RealtimeUpdates : IAsyncDisposable
{
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(30));
    private readonly IAsyncEnumerator<RealtimeServerUpdate> _updates;

    public RealtimeUpdates(RealtimeSessionClient session) =>
        _updates = session.ReceiveUpdatesAsync(_deadline.Token).GetAsyncEnumerator(_deadline.Token);

    public List<RealtimeServerUpdate> Seen { get; } = [];

    /// <summary>Reads until an update of type <typeparamref name="T"/> (matching the condition) arrives.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? condition = null)
        where T : RealtimeServerUpdate
    {
        while (await _updates.MoveNextAsync())
        {
            Seen.Add(_updates.Current);
            if (_updates.Current is T match && (condition is null || condition(match)))
            {
                return match;
            }
        }

        throw new InvalidOperationException($"The session ended before a {typeof(T).Name} arrived.");
    }

    public IEnumerable<T> SeenOf<T>() => Seen.OfType<T>();

    public async ValueTask DisposeAsync()
    {
        await _deadline.CancelAsync();
        try
        {
            await _updates.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // Stopping the loop is the point of disposing it.
        }

        _deadline.Dispose();
    }
}
