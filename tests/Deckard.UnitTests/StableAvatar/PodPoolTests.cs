using Deckard.Core.StableAvatar;
using Microsoft.Extensions.Options;

namespace Deckard.UnitTests.StableAvatar;

public sealed class PodPoolTests
{
    private static readonly Uri A = new("http://pod-a:7860/");
    private static readonly Uri B = new("http://pod-b:7860/");
    private static readonly Uri C = new("http://pod-c:7860/");

    [Fact]
    public async Task The_pod_with_the_shortest_queue_comes_first()
    {
        var pool = Pool(A, B, C);
        var queues = new Dictionary<Uri, int?> { [A] = 3, [B] = 0, [C] = 1 };

        var ranked = await pool.RankAsync(pod => Task.FromResult(queues[pod.BaseUrl]));

        Assert.Equal([B, C, A], ranked.Select(pod => pod.BaseUrl));
    }

    [Fact]
    public async Task This_processs_own_renders_on_a_pod_count_towards_its_load()
    {
        var pool = Pool(A, B);
        using var busy = pool.Pods[0].Track();
        using var busier = pool.Pods[0].Track();

        var ranked = await pool.RankAsync(pod => Task.FromResult<int?>(pod.BaseUrl == A ? 0 : 1));

        Assert.Equal([B, A], ranked.Select(pod => pod.BaseUrl));
        Assert.Equal(2, pool.Pods[0].Renders);
    }

    [Fact]
    public async Task Pods_that_tie_take_turns_so_an_idle_pool_is_used_evenly()
    {
        var pool = Pool(A, B, C);

        var firsts = new List<Uri>();
        for (var render = 0; render < 6; render++)
        {
            firsts.Add((await pool.RankAsync(_ => Task.FromResult<int?>(null)))[0].BaseUrl);
        }

        Assert.Equal(2, firsts.Count(url => url == A));
        Assert.Equal(2, firsts.Count(url => url == B));
        Assert.Equal(2, firsts.Count(url => url == C));
    }

    [Fact]
    public async Task A_lone_pod_is_never_asked_for_its_queue()
    {
        var pool = Pool(A);
        var asked = 0;

        var ranked = await pool.RankAsync(_ =>
        {
            asked++;
            return Task.FromResult<int?>(0);
        });

        Assert.Equal([A], ranked.Select(pod => pod.BaseUrl));
        Assert.Equal(0, asked);
    }

    [Fact]
    public void A_finished_render_stops_counting_once_however_often_it_is_disposed()
    {
        var pod = Pool(A).Pods[0];
        var render = pod.Track();

        render.Dispose();
        render.Dispose();

        Assert.Equal(0, pod.Renders);
    }

    [Fact]
    public void Every_pod_has_its_own_circuit_breaker_and_a_repeated_address_is_one_pod()
    {
        var pool = Pool(A, B, A);

        Assert.Equal([A, B], pool.Pods.Select(pod => pod.BaseUrl));
        Assert.NotSame(pool.Pods[0].Circuit, pool.Pods[1].Circuit);
    }

    private static PodPool Pool(Uri first, params Uri[] more) =>
        new(Options.Create(new StableAvatarOptions { BaseUrl = first, AdditionalUrls = [.. more] }), TimeProvider.System);
}
