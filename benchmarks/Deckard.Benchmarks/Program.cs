namespace Deckard.Benchmarks;

/// <summary>The benchmark command (an explicit class: the AppHost's own <c>Program</c> is the entry point the pipeline benchmark runs).</summary>
internal static class BenchmarkCommand
{
    public static async Task Main(string[] args)
    {
        var command = args.FirstOrDefault() ?? "help";
        switch (command)
        {
            case "apphost-startup":
                await AppHostStartupBenchmark.RunAsync(Option(args, "--runs", 3));
                break;
            case "perf":
                await PerfBenchmark.RunAsync(Option(args, "--sessions", 200), Option(args, "--flow-sessions", 40), Option(args, "--lipsync-sessions", 10),
                    args.SkipWhile(arg => arg != "--json").Skip(1).FirstOrDefault());
                break;
            case "compare" when args.Length == 3:
                await PerfBenchmark.CompareAsync(args[1], args[2]);
                break;
            case "pipeline":
                await PipelineBenchmark.RunAsync(Option(args, "--sessions", 100));
                break;
            case "scale-out":
                await ScaleOutBenchmark.RunAsync(Option(args, "--sessions", 600), Option(args, "--flow-sessions", 40));
                break;
            case "flows":
                await FlowsBenchmark.RunAsync(Option(args, "--sessions", 100));
                break;
            case "lipsync":
                await LipsyncBenchmark.RunAsync(Option(args, "--sessions", 10), OptionDouble(args, "--time-scale", 0.01));
                break;
            case "security":
                await SecurityBenchmark.RunAsync(Option(args, "--requests", 2000));
                break;
            case "media":
                await MediaBenchmark.RunAsync(Option(args, "--megabytes", 200), OptionText(args, "--storage", "postgres"));
                break;
            case "realtime":
                await RealtimeBenchmark.RunAsync(Option(args, "--round-trips", 2000), Option(args, "--conversations", 200));
                break;
            default:
                Console.WriteLine("""
                    Deckard benchmarks (build in Release first; each prints figures beside a baseline measured in the same run):
                      perf [--sessions N] [--flow-sessions N] [--lipsync-sessions N] [--json FILE]
                                                   every performance target in one run beside the floors measured in it and the
                                                   core count: pipeline overhead, SSE delivery and memory, throughput, the flows'
                                                   and lip-sync's overhead, AppHost cold start; written as JSON too
                                                   (default TestResults/benchmarks/perf-{time}.json)
                      compare BEFORE.json AFTER.json
                                                   the change of every figure between two perf runs, better or worse
                      apphost-startup [--runs N]   AppHost cold and warm start to all healthy, its memory, and shutdown time
                      pipeline [--sessions N]      session latency, throughput with 1 and 2 workers, SSE delivery and memory, beside Redis/Postgres floors
                      scale-out [--sessions N] [--flow-sessions N]
                                                   1 or 2 Api instances x 1, 2 or 4 Workers replicas: throughput, latency and CPU per process
                                                   per session through classify; then CPU, PostgreSQL write transactions and Redis commands
                                                   per session of each flow (the capacity model's inputs, docs/capacity.md)
                      flows [--sessions N]         avatar and search flows: orchestration overhead beside the stand-ins' own call times
                      lipsync [--sessions N] [--time-scale S]
                                                   lip-sync step overhead for a 10 s clip beside the pod's job time, HTTP requests per job
                      realtime [--round-trips N] [--conversations N]
                                                   Realtime proxy: added latency per relayed frame beside the stand-in direct, Api memory
                                                   per open conversation, concurrent conversations (1 to N) before it adds 5 ms
                      media [--megabytes N] [--storage postgres|s3]
                                                   serving a large artifact from PostgreSQL or a local S3 server: the Api's peak memory
                                                   beside a 1 MiB one, throughput beside reading the same bytes straight from the store
                      security [--requests N]      what authentication (development key, stored key, JWT), tickets and the quota gate
                                                   add to a request, beside the same lookup made straight to PostgreSQL
                    """);
                break;
        }
    }

    private static double OptionDouble(string[] args, string name, double fallback) =>
        args.SkipWhile(arg => arg != name).Skip(1).Select(value => double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(fallback);

    private static string OptionText(string[] args, string name, string fallback) =>
        args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault(fallback);

    private static int Option(string[] args, string name, int fallback) =>
        args.SkipWhile(arg => arg != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);
}
